-- SPDX-License-Identifier: Apache-2.0
-- Every operator, on real fields of injected events: bash (tid 100) runs
-- cat (tid 101), which opens /etc/shadow read-only on fd 3.
local core = require("saker.core")
local compile = require("saker.rules.compile")
local evb = require("evbuild")

local s = assert(core.open({ live = false }))
evb.exec(s, { tid = 90, ptid = 1, comm = "systemd", exe = "/usr/lib/systemd/systemd" })
evb.exec(s, { tid = 100, ptid = 90, comm = "bash", exe = "/bin/bash", args = { "-c", "cat" } })
evb.exec(s, { tid = 101, ptid = 100, comm = "cat", exe = "/bin/cat", args = { "/etc/shadow", "-n" },
	env = { "HOME=/root", "PATH=/bin" } })
evb.openat(s, 101, "/etc/shadow", 1, 3)

local function match(condition, lists, macros)
	local rs = { lists = {}, macros = {}, rules = { { name = "t", condition = condition, output = "x",
		priority = "Warning", priority_num = 4, warn_evttypes = false } } }
	for k, v in pairs(lists or {}) do rs.lists[k] = { name = k, items = v } end
	for k, v in pairs(macros or {}) do rs.macros[k] = { name = k, condition = v } end
	local c, diags = compile.ruleset(rs, s, {})
	for _, d in ipairs(diags) do
		if d.level == "error" then error(condition .. ": " .. d.msg, 2) end
	end
	return c.rules[1].match()
end

local function yes(c, l, m) assert.is_true(match(c, l, m), c) end
local function no(c, l, m) assert.is_false(match(c, l, m), c) end

describe("operators", function()
	it("= == !=", function()
		yes("proc.name = cat"); yes("proc.name == cat"); no("proc.name = ca"); no("proc.name = catt")
		yes("proc.name != bash"); no("proc.name != cat")
		yes("fd.num = 3"); no("fd.num = 4"); yes("fd.num != 4")
		yes("evt.type = openat"); no("evt.type = open")
		yes("fd.typechar = 'f'")
		yes("evt.is_open_read = true"); no("evt.is_open_read = false"); yes("evt.is_open_write = false")
	end)

	it("< <= > >=", function()
		yes("fd.num < 4"); no("fd.num < 3"); yes("fd.num <= 3"); no("fd.num <= 2")
		yes("fd.num > 2"); no("fd.num > 3"); yes("fd.num >= 3"); no("fd.num >= 4")
		yes("fd.num > -1"); yes("fd.num >= 0x3")
	end)

	it("contains icontains bcontains", function()
		yes("fd.name contains shad"); no("fd.name contains SHAD")
		yes("fd.name icontains SHAD"); no("fd.name icontains passwd")
		yes("fd.name bcontains 736861646f77"); no("fd.name bcontains 00")
	end)

	it("startswith bstartswith endswith", function()
		yes("fd.name startswith /etc/"); no("fd.name startswith /etcx")
		yes("fd.name bstartswith 2f657463"); no("fd.name bstartswith 2f757372")
		yes("fd.name endswith shadow"); no("fd.name endswith shado")
		yes("fd.name endswith /etc/shadow"); no("fd.name endswith x/etc/shadow")
	end)

	it("glob iglob regex", function()
		yes("fd.name glob /etc/*"); yes("fd.name glob '/e?c/sha[a-d]ow'"); no("fd.name glob /usr/*")
		no("fd.name glob /ETC/*"); yes("fd.name iglob /ETC/*")
		yes("fd.name regex '/etc/[a-z]+'"); no("fd.name regex 'etc/[a-z]+'"); no("fd.name regex '/etc/[a-r]+'")
	end)

	it("in intersects pmatch", function()
		yes("proc.name in (sh, cat)"); no("proc.name in (sh, bash)"); no("proc.name in ()")
		yes("proc.name in (shells)", { shells = { "zsh", "cat" } })
		yes("fd.num in (1, 2, 3)"); no("fd.num in (4, 5)")
		yes("proc.name intersects (cat)")
		yes("fd.name pmatch (/etc)"); yes("fd.name pmatch (/usr, /etc/shadow)"); no("fd.name pmatch (/et)")
		no("fd.name pmatch (/etc/shadow/x)")
	end)

	it("exists", function()
		yes("fd.name exists"); yes("proc.aname[2] exists"); no("proc.aname[3] exists")
		yes("proc.env[HOME] exists"); no("proc.env[NOPE] exists")
	end)

	it("compares missing values as false, and not() as true", function()
		no("proc.aname[3] = x"); no("proc.aname[3] != x"); yes("not proc.aname[3] = x")
	end)

	it("field arguments", function()
		yes("proc.aname[1] = bash"); yes("proc.aname[2] = systemd"); no("proc.aname[1] = cat")
		yes("evt.arg.flags contains O_RDONLY"); yes("evt.arg[flags] contains O_RDONLY")
		yes("proc.env[HOME] = /root")
	end)

	it("any-match on multi-valued fields", function()
		yes("proc.aname = systemd"); yes("proc.aname in (x, bash)"); no("proc.aname in (x, y)")
		yes("proc.aname contains yst"); no("proc.aname = cat")
		yes("proc.aname exists")
	end)

	it("val() compares two fields", function()
		yes("proc.pname = val(proc.aname[1])"); no("proc.name = val(proc.pname)")
		yes("proc.name != val(proc.pname)"); yes("fd.name startswith val(fd.directory)")
	end)

	it("transformers", function()
		yes("toupper(proc.name) = CAT"); no("toupper(proc.name) = cat")
		yes("tolower(toupper(proc.name)) = cat")
		yes("basename(fd.name) = shadow"); yes("basename(proc.exe) = cat")
		yes("len(fd.name) = 11"); yes("len(proc.name) < 4"); no("len(proc.name) > 3")
		yes("toupper(proc.aname) in (BASH)")
	end)

	it("precedence: not > and > or", function()
		yes("proc.name = x or proc.name = cat and fd.num = 3")
		no("(proc.name = x or proc.name = cat) and fd.num = 4")
		yes("proc.name = x or proc.name = cat and not fd.num = 4")
		no("not proc.name = cat or proc.name = x and fd.num = 3")
		yes("not (proc.name = cat and fd.num = 4)")
		yes("not not proc.name = cat")
	end)

	it("macros and lists", function()
		yes("is_cat and proc.pname in (sh_list)", { sh_list = { "inner", "bash" }, inner = { "zsh" } },
			{ is_cat = "proc.name = cat" })
		no("not is_cat", nil, { is_cat = "proc.name = cat" })
		yes("proc.name in (outer)", { outer = { "inner" }, inner = { "cat" } })
	end)
end)
