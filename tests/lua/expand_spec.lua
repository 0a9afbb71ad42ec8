-- SPDX-License-Identifier: Apache-2.0
local parse = require("saker.rules.parse")
local expand = require("saker.rules.expand")

local function show(n)
	if n.k == "and" or n.k == "or" then
		local parts = {}
		for i, a in ipairs(n.args) do parts[i] = show(a) end
		return "(" .. n.k .. " " .. table.concat(parts, " ") .. ")"
	elseif n.k == "not" then
		return "(not " .. show(n.arg) .. ")"
	end
	local rhs = ""
	if n.values then
		local vs = {}
		for i, v in ipairs(n.values) do vs[i] = v.v end
		rhs = " [" .. table.concat(vs, ",") .. "]"
	elseif n.value then
		rhs = " " .. n.value.v
	end
	return "{" .. n.field.text .. " " .. n.op .. rhs .. "}"
end

local function ruleset(macros, lists)
	local rs = { macros = {}, lists = {} }
	for name, cond in pairs(macros or {}) do rs.macros[name] = { name = name, condition = cond } end
	for name, items in pairs(lists or {}) do rs.lists[name] = { name = name, items = items } end
	return rs
end

local function run(rs, cond, rule)
	local e = expand.new(rs)
	rule = rule or { name = "r" }
	local tree = assert(parse.condition(cond, { item = "rule", name = rule.name }))
	local ok, res = pcall(e.rule, e, rule, tree)
	if ok then return show(res) end
	return nil, res
end

describe("expand", function()
	it("replaces macros, recursively", function()
		local rs = ruleset({ spawned = "evt.type = execve and m2", m2 = "proc.name = x" })
		assert.are.equal("(and (and {evt.type = execve} {proc.name = x}) {fd.num > 0})",
			run(rs, "spawned and fd.num > 0"))
		assert.are.equal("(not (and {evt.type = execve} {proc.name = x}))", run(rs, "not spawned"))
	end)

	it("expands lists, nested lists and list names given without parens", function()
		local rs = ruleset({}, { shells = { "sh", "bash" }, more = { "shells", "zsh" }, ports = { 80, 443 } })
		assert.are.equal("{proc.name in [sh,bash,zsh,fish]}", run(rs, "proc.name in (more, fish)"))
		assert.are.equal("{proc.name in [sh,bash]}", run(rs, "proc.name in shells"))
		assert.are.equal("{fd.sport in [80,443]}", run(rs, "fd.sport in (ports)"))
		assert.are.equal("{proc.name in [notalist]}", run(rs, "proc.name in (notalist)"))
		assert.are.equal("{proc.name in []}", run(ruleset({}, { empty = {} }), "proc.name in (empty)"))
	end)

	it("reports undefined macros with their offset", function()
		local out, err = run(ruleset(), "proc.name = x and nosuch")
		assert.is_nil(out)
		assert.matches("undefined macro 'nosuch'", err.msg)
		assert.are.equal(18, err.pos)
	end)

	it("reports a list used as a condition and an undefined list", function()
		local _, err = run(ruleset({}, { shells = { "sh" } }), "shells")
		assert.matches("list 'shells' used as a condition", err.msg)
		_, err = run(ruleset(), "proc.name in nolist")
		assert.matches("undefined list 'nolist'", err.msg)
	end)

	it("detects macro loops", function()
		local _, err = run(ruleset({ a = "b", b = "proc.name = x or a" }), "a")
		assert.matches("macro 'a' refers to itself", err.msg)
		assert.are.equal("macro", err.src.item)
		_, err = run(ruleset({ self = "self" }), "self")
		assert.matches("refers to itself", err.msg)
	end)

	it("detects list loops", function()
		local out, err = run(ruleset({}, { a = { "b" }, b = { "a" } }), "proc.name in (a)")
		assert.is_nil(out)
		assert.matches("list 'a' includes itself", err.msg)
	end)

	it("reports syntax errors in macros against the macro", function()
		local rs = ruleset({ bad = "proc.name = " })
		rs.macros.bad.cond_loc = { file = "f.yaml", line = 3, col = 14 }
		local _, err = run(rs, "bad")
		assert.matches("expected a value", err.msg)
		assert.are.equal("bad", err.src.name)
		assert.are.equal(3, err.src.loc.line)
	end)

	it("uses macros repeatedly without sharing nodes", function()
		local rs = ruleset({ m = "proc.name = x" })
		local e = expand.new(rs)
		local t = e:expand(assert(parse.condition("m and m", {})))
		assert.are_not.equal(t.args[1], t.args[2])
	end)

	it("appends exceptions with fields tuples", function()
		local rule = { name = "r", exceptions = {
			{ name = "e1", fields = { "proc.name", "fd.name" }, comps = { "=", "startswith" },
				values = { { "a", "/x" }, { "b", "/y" } } },
			{ name = "e2", fields = { "proc.pname" }, values = { { "p" } } },
		} }
		assert.are.equal("(and {evt.type = open} (not (or (and {proc.name = a} {fd.name startswith /x}) "
			.. "(and {proc.name = b} {fd.name startswith /y}))) (not {proc.pname = p}))",
			run(ruleset(), "evt.type = open", rule))
	end)

	it("compiles in-comps with lists and list names", function()
		local rs = ruleset({}, { trusted = { "t1", "t2" } })
		local rule = { name = "r", exceptions = {
			{ name = "e", fields = { "proc.name", "fd.directory" }, comps = { "in", "pmatch" },
				values = { { { "a", "b" }, "trusted" } } } } }
		assert.are.equal("(and {evt.type = open} (not (and {proc.name in [a,b]} {fd.directory pmatch [t1,t2]})))",
			run(rs, "evt.type = open", rule))
	end)

	it("compiles the single-field form", function()
		local rule = { name = "r", exceptions = { { name = "e", fields = "proc.name", values = { "a", "b" } } } }
		assert.are.equal("(and {evt.type = open} (not {proc.name in [a,b]}))", run(ruleset(), "evt.type = open", rule))
		rule.exceptions[1].comps = "startswith"
		assert.are.equal("(and {evt.type = open} (not (or {proc.name startswith a} {proc.name startswith b})))",
			run(ruleset(), "evt.type = open", rule))
	end)

	it("skips exceptions without values and rejects bad tuples", function()
		local rule = { name = "r", exceptions = { { name = "e", fields = { "proc.name" }, values = {} } } }
		assert.are.equal("{evt.type = open}", run(ruleset(), "evt.type = open", rule))
		rule.exceptions[1].values = { { "a", "b" } }
		local _, err = run(ruleset(), "evt.type = open", rule)
		assert.matches("2 items for 1 fields", err.msg)
		assert.are.equal("e", err.src.exception)
	end)
end)
