-- SPDX-License-Identifier: Apache-2.0
-- compile.ruleset: diagnostics with locations, the evt.type index,
-- exceptions, enabling, priorities, dump_lua.
local core = require("saker.core")
local compile = require("saker.rules.compile")
local evb = require("evbuild")

local s = assert(core.open({ live = false }))
evb.exec(s, { tid = 100, ptid = 1, comm = "bash", exe = "/bin/bash" })
evb.exec(s, { tid = 101, ptid = 100, comm = "cat", exe = "/bin/cat", args = { "/etc/shadow" } })
evb.openat(s, 101, "/etc/shadow", 1, 3)

local function rule(name, condition, extra)
	local r = { name = name, condition = condition, output = "o %proc.name", priority = "Warning",
		priority_num = 4, cond_loc = { file = "r.yaml", line = 10, col = 14 } }
	for k, v in pairs(extra or {}) do r[k] = v end
	return r
end

local function rs(rules, macros, lists)
	local out = { rules = rules, macros = {}, lists = {} }
	for k, v in pairs(macros or {}) do
		out.macros[k] = { name = k, condition = v, cond_loc = { file = "m.yaml", line = 3, col = 14 } }
	end
	for k, v in pairs(lists or {}) do out.lists[k] = { name = k, items = v } end
	return out
end

local function only(diags, level)
	local out = {}
	for _, d in ipairs(diags) do if d.level == level then out[#out + 1] = d end end
	return out
end

local function code(name) return evb.code(name, "<") end

describe("compile", function()
	it("reports unknown fields with file, line and column", function()
		local c, diags = compile.ruleset(rs({ rule("r1", "proc.name = x and proc.nosuch = y") }), s)
		local errs = only(diags, "error")
		assert.are.equal(1, #errs)
		assert.are.equal(0, #c.rules)
		assert.matches("unknown field 'proc.nosuch'", errs[1].msg)
		assert.are.same({ "r.yaml", 10, 14 + 18, "rule", "r1" },
			{ errs[1].file, errs[1].line, errs[1].col, errs[1].item, errs[1].name })
	end)

	it("reports type errors at the field, on later lines of a block condition", function()
		local _, diags = compile.ruleset(rs({ rule("r2", "proc.name = x\n  and fd.num contains 3") }), s)
		local e = only(diags, "error")[1]
		assert.matches("operator 'contains' cannot be used with field fd.num", e.msg)
		assert.are.same({ 11, 7 }, { e.line, e.col })
		_, diags = compile.ruleset(rs({ rule("r3", "fd.name < x") }), s)
		assert.matches("operator '<'", only(diags, "error")[1].msg)
		_, diags = compile.ruleset(rs({ rule("r4", "fd.num = abc") }), s)
		assert.matches("'abc' is not a number", only(diags, "error")[1].msg)
		_, diags = compile.ruleset(rs({ rule("r5", "fd.sip = 300.1.1.1") }), s)
		assert.matches("not an IP", only(diags, "error")[1].msg)
		_, diags = compile.ruleset(rs({ rule("r6", "fd.name bcontains xyz") }), s)
		assert.matches("not a hex string", only(diags, "error")[1].msg)
		_, diags = compile.ruleset(rs({ rule("r7", "len(fd.num) = 1") }), s)
		assert.matches("len%(%) needs a string", only(diags, "error")[1].msg)
		_, diags = compile.ruleset(rs({ rule("r8", "fd.name regex '(x'") }), s)
		assert.matches("invalid regex", only(diags, "error")[1].msg)
	end)

	it("points errors inside macros at the macro", function()
		local _, diags = compile.ruleset(rs({ rule("r", "m") }, { m = "fd.nme = x" }), s)
		local e = only(diags, "error")[1]
		assert.matches("in macro 'm'", e.msg)
		assert.are.same({ "m.yaml", 3, 14 }, { e.file, e.line, e.col })
		assert.are.equal("r", e.name)
	end)

	it("reports undefined macros and syntax errors", function()
		local _, diags = compile.ruleset(rs({ rule("r", "proc.name = x and nosuch") }), s)
		assert.matches("undefined macro 'nosuch'", only(diags, "error")[1].msg)
		assert.are.equal(14 + 18, only(diags, "error")[1].col)
		_, diags = compile.ruleset(rs({ rule("r", "proc.name = (") }), s)
		assert.are.equal("parse", only(diags, "error")[1].code)
		_, diags = compile.ruleset(rs({ rule("r", "m") }, { m = "n", n = "m" }), s)
		assert.matches("refers to itself", only(diags, "error")[1].msg)
	end)

	it("skips rules with unknown fields when skip_if_unknown_filter is set", function()
		local c, diags = compile.ruleset(rs({ rule("r", "proc.nosuch = x", { skip_if_unknown_filter = true }),
			rule("ok", "evt.type = openat") }), s)
		assert.are.equal(0, #only(diags, "error"))
		assert.matches("skipped", only(diags, "warning")[1].msg)
		assert.are.equal(1, #c.rules)
		assert.are.equal("ok", c.rules[1].name)
	end)

	it("refuses a 1,000-level nested condition cleanly", function()
		local cond = string.rep("(", 1000) .. "proc.name = x" .. string.rep(")", 1000)
		local c, diags = compile.ruleset(rs({ rule("deep", cond) }), s)
		assert.are.equal(0, #c.rules)
		assert.matches("nests deeper", only(diags, "error")[1].msg)
		-- deep through macros: and/or alternate, so nothing flattens
		local macros = { m0 = "proc.name = x" }
		for i = 1, 200 do macros["m" .. i] = "proc.name = a" .. i .. " or (fd.num = 1 and m" .. (i - 1) .. ")" end
		c, diags = compile.ruleset(rs({ rule("deep2", "m200") }, macros), s)
		assert.are.equal(0, #c.rules)
		assert.matches("nests deeper", only(diags, "error")[1].msg)
	end)

	it("compiles very long and/or chains", function()
		local parts = {}
		for i = 1, 2000 do parts[i] = "proc.name = p" .. i end
		local c, diags = compile.ruleset(rs({ rule("long", table.concat(parts, " or ") .. " or proc.name = cat") }), s)
		assert.are.same({}, only(diags, "error"))
		assert.is_true(c.rules[1].match())
	end)

	it("indexes rules by the event types their conditions allow", function()
		local c = compile.ruleset(rs({
			rule("a", "evt.type in (open, openat) and proc.name = cat"),
			rule("b", "evt.type = execve or (evt.type = connect and fd.num = 3)"),
			rule("c", "not evt.type = openat and proc.name = x and evt.type != open", { warn_evttypes = false }),
			rule("d", "proc.name = cat", { warn_evttypes = false }),
			rule("e", "not (evt.type != openat)"),
		}), s)
		local by = {}
		for _, r in ipairs(c.rules) do by[r.name] = r end
		assert.is_true(by.a.evttypes[code("openat")])
		assert.is_true(by.a.evttypes[code("open")])
		assert.is_nil(by.a.evttypes[code("execve")])
		assert.is_true(by.b.evttypes[code("execve")] and by.b.evttypes[code("connect")])
		assert.is_nil(by.b.evttypes[code("openat")])
		assert.is_nil(by.c.evttypes[code("openat")])
		assert.is_nil(by.c.evttypes[code("open")])
		assert.is_true(by.c.evttypes[code("execve")])
		assert.is_nil(by.d.evttypes)
		assert.is_true(by.e.evttypes[code("openat")])
		assert.is_nil(by.e.evttypes[code("open")])
		local names = {}
		for _, r in ipairs(c.by_type[code("openat")]) do names[#names + 1] = r.name end
		assert.are.same({ "a", "d", "e" }, names)
		assert.are.equal("all", c.interest)
		c = compile.ruleset(rs({ rule("a", "evt.type in (openat, execve)") }), s)
		assert.are.same({ "execve", "openat" }, c.interest)
	end)

	it("warns for rules that match too many event types", function()
		local _, diags = compile.ruleset(rs({ rule("d", "proc.name = cat") }), s)
		assert.matches("too many evt.type values", only(diags, "warning")[1].msg)
		_, diags = compile.ruleset(rs({ rule("d", "evt.type != openat") }), s)
		assert.are.equal(1, #only(diags, "warning"))
		_, diags = compile.ruleset(rs({ rule("d", "proc.name = cat", { warn_evttypes = false }) }), s)
		assert.are.equal(0, #only(diags, "warning"))
	end)

	it("applies exceptions", function()
		local function m(exceptions)
			local c, diags = compile.ruleset(rs({ rule("x", "evt.type = openat and fd.name startswith /etc",
				{ exceptions = exceptions }) }, nil, { cats = { "cat", "tac" } }), s)
			assert.are.same({}, only(diags, "error"))
			return c.rules[1].match()
		end
		assert.is_true(m({}))
		assert.is_false(m({ { name = "e", fields = { "proc.name", "fd.name" }, comps = { "=", "endswith" },
			values = { { "cat", "shadow" } } } }))
		assert.is_true(m({ { name = "e", fields = { "proc.name", "fd.name" }, comps = { "=", "endswith" },
			values = { { "cat", "passwd" } } } }))
		assert.is_false(m({ { name = "e", fields = { "proc.name" }, comps = { "in" }, values = { { "cats" } } } }))
		assert.is_false(m({ { name = "e", fields = "proc.pname", values = { "zsh", "bash" } } }))
		assert.is_true(m({ { name = "e", fields = "proc.pname", values = { "zsh" } } }))
		assert.is_false(m({ { name = "e1", fields = "proc.pname", values = { "zsh" } },
			{ name = "e2", fields = { "fd.directory" }, comps = { "pmatch" }, values = { { { "/etc" } } } } }))
	end)

	it("honours enabled, opts.enabled and min_priority_num", function()
		local rules = { rule("on", "evt.type = openat"), rule("off", "evt.type = openat", { enabled = false }),
			rule("debug", "evt.type = openat", { priority = "Debug", priority_num = 7 }) }
		local c = compile.ruleset(rs(rules), s, { min_priority_num = 4 })
		local names = {}
		for _, r in ipairs(c.by_type[code("openat")]) do names[#names + 1] = r.name end
		assert.are.same({ "on" }, names)
		assert.are.equal(3, #c.rules)
		c = compile.ruleset(rs(rules), s, { enabled = function(r) return r.name ~= "on" end })
		names = {}
		for _, r in ipairs(c.by_type[code("openat")]) do names[#names + 1] = r.name end
		assert.are.same({ "off", "debug" }, names)
	end)

	it("dumps the generated Lua of a rule", function()
		local src = compile.dump_lua(rs({ rule("r", "proc.name in (cat, dog) and fd.name = '/etc/shadow'") }), s, "r")
		assert.matches("return function%(%)", src)
		assert.matches('"/etc/shadow",11', src)
		assert.matches("t_set", src)
		local none, diags = compile.dump_lua(rs({}), s, "nope")
		assert.is_nil(none)
		assert.matches("no rule named", diags[1].msg)
	end)
end)
