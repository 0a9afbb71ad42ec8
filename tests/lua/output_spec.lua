-- SPDX-License-Identifier: Apache-2.0
-- Output strings: parsing, rendering and typed output_fields.
local core = require("saker.core")
local output = require("saker.rules.output")
local compile = require("saker.rules.compile")
local evb = require("evbuild")

local s = assert(core.open({ live = false }))
evb.exec(s, { tid = 100, ptid = 1, comm = "bash", exe = "/bin/bash" })
evb.exec(s, { tid = 101, ptid = 100, comm = "cat", exe = "/bin/cat", args = { "/etc/shadow" } })
evb.openat(s, 101, "/etc/shadow", 1, 3)

local function keys(pieces)
	local out = {}
	for _, p in ipairs(pieces) do out[#out + 1] = type(p) == "table" and ("%" .. p.key) or p end
	return out
end

describe("output", function()
	it("splits text and fields", function()
		assert.are.same({ "File opened (", "%proc.name", " fd=", "%fd.num", ")" },
			keys(assert(output.parse("File opened (%proc.name fd=%fd.num)"))))
		assert.are.same({ "%proc.aname[2]", " ", "%evt.arg.flags", "." },
			keys(assert(output.parse("%proc.aname[2] %evt.arg.flags."))))
		assert.are.same({ "%proc.name", "x" }, keys(assert(output.parse("%(proc.name)x"))))
		assert.are.same({ "100% sure, ", "%proc.name" }, keys(assert(output.parse("100% sure, %proc.name"))))
		assert.are.same({}, keys(assert(output.parse(""))))
	end)

	it("renders fields and <NA> for missing values", function()
		local f = assert(output.compile(s, "%proc.name read %fd.name as %user.name (gp=%proc.aname[3] fd=%fd.num)"))
		local text = f.format()
		assert.are.equal("cat read /etc/shadow as root (gp=<NA> fd=3)", text)
	end)

	it("returns typed output_fields keyed as written, plus evt.time", function()
		local f = assert(output.compile(s, "%proc.name %fd.num %evt.is_open_read %proc.aname[3] %proc.aname[1]"))
		local _, fields = f.format()
		assert.are.equal("cat", fields["proc.name"])
		assert.are.equal(3, fields["fd.num"])
		assert.are.equal(true, fields["evt.is_open_read"])
		assert.are.equal(require("saker.json").null, fields["proc.aname[3]"]) -- JSON null
		assert.are.equal("bash", fields["proc.aname[1]"])
		local t = fields["evt.time"] -- exact: a number, or int64 cdata past 2^53
		assert.is_truthy(type(t) == "number" or type(t) == "cdata")
		assert.are.same({ "proc.name", "fd.num", "evt.is_open_read", "proc.aname[3]", "proc.aname[1]", "evt.time" },
			f.keys)
	end)

	it("rejects unknown fields with their offset", function()
		local f, msg, pos = output.compile(s, "x %proc.nosuch y")
		assert.is_nil(f)
		assert.matches("unknown field 'proc.nosuch'", msg)
		assert.are.equal(2, pos)
	end)

	it("is wired into compiled rules, with errors located on the output", function()
		local rs = { macros = {}, lists = {}, rules = {
			{ name = "r", condition = "evt.type = openat", output = "open %fd.name by %proc.name",
				priority = "Warning", priority_num = 4 },
			{ name = "bad", condition = "evt.type = openat", output = "x %nope.field",
				output_loc = { file = "o.yaml", line = 7, col = 11 } } } }
		local c, diags = compile.ruleset(rs, s)
		assert.are.equal(1, #c.rules)
		local text, fields = c.rules[1].format()
		assert.are.equal("open /etc/shadow by cat", text)
		assert.are.equal("/etc/shadow", fields["fd.name"])
		assert.are.same({ "o.yaml", 7, 13 }, { diags[1].file, diags[1].line, diags[1].col })
	end)

	it("takes falco.yaml's append_output: text and fields for the rules an entry matches", function()
		local function rule(name, tags, src)
			return { name = name, condition = "evt.type = openat", output = name .. " %proc.name",
				priority = "Warning", priority_num = 4, tags = tags, source = src,
				cond_loc = { file = "r.yaml", line = 1, col = 1 } }
		end
		local c, diags = compile.ruleset({ rules = { rule("a", { "fs", "x" }), rule("b", { "fs" }),
			rule("c", {}) }, macros = {}, lists = {} }, s, { append_output = {
				{ match = { tags = { "fs", "x" } }, extra_output = "fd=%fd.num",
					extra_fields = { "user.name", { home = "/root" } } },
				{ match = { rule = "b" }, extra_output = "(b)" },
				{ extra_fields = { "proc.pid" } },
			} })
		assert.are.same({}, diags)
		local by = {}
		for _, r in ipairs(c.rules) do by[r.name] = r end
		local text, fields = by.a.format()
		assert.are.equal("a cat fd=3", text)
		assert.are.equal("root", fields["user.name"])
		assert.are.equal("/root", fields.home)
		assert.are.equal(101, fields["proc.pid"])
		text, fields = by.b.format() -- has only one of a's two tags
		assert.are.equal("b cat (b)", text)
		assert.is_nil(fields["user.name"])
		text, fields = by.c.format()
		assert.are.equal("c cat", text)
		assert.are.equal(101, fields["proc.pid"])
	end)

	it("writes numbers in JSON in their shortest exact form", function()
		local json = require("saker.json")
		assert.are.equal('[43.51,0.1,3,1e+300,-2.5]', json.encode(json.array({ 43.51, 0.1, 3, 1e300, -2.5 })))
		local third = json.encode(json.array({ 1 / 3 }))
		assert.are.equal(1 / 3, tonumber(third:match("%[(.*)%]")))
	end)
end)

