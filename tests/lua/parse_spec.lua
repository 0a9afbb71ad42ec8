-- SPDX-License-Identifier: Apache-2.0
local parse = require("saker.rules.parse")

-- A compact text form of a tree: (and a b), (not x), field op value.
local function show(n)
	if n.k == "and" or n.k == "or" then
		local parts = {}
		for i, a in ipairs(n.args) do parts[i] = show(a) end
		return "(" .. n.k .. " " .. table.concat(parts, " ") .. ")"
	elseif n.k == "not" then
		return "(not " .. show(n.arg) .. ")"
	elseif n.k == "macro" then
		return n.name
	end
	local rhs = ""
	if n.values then
		local vs = {}
		for i, v in ipairs(n.values) do vs[i] = v.k == "list" and ("@" .. v.name) or v.v end
		rhs = " [" .. table.concat(vs, ",") .. "]"
	elseif n.value then
		rhs = " " .. (n.value.k == "field" and ("val(" .. n.value.field.text .. ")") or n.value.v)
	end
	return "{" .. n.field.text .. " " .. n.op .. rhs .. "}"
end

local function p(text)
	local t, msg, pos = parse.condition(text, { item = "rule", name = "t" })
	if not t then return nil, msg, pos end
	return show(t)
end

describe("parse", function()
	it("gives not > and > or", function()
		assert.are.equal("(or a (and b (not c)))", p("a or b and not c"))
		assert.are.equal("(or (and a b) c)", p("a and b or c"))
		assert.are.equal("(and (not a) b)", p("not a and b"))
		assert.are.equal("(not (not a))", p("not not a"))
	end)

	it("honours parentheses", function()
		assert.are.equal("(and a (or b c))", p("a and (b or c)"))
		assert.are.equal("(not (or a b))", p("not (a or b)"))
		assert.are.equal("a", p("((a))"))
	end)

	it("keeps and/or chains flat", function()
		assert.are.equal("(or a b c d)", p("a or b or c or d"))
		assert.are.equal("(and a b c)", p("a and b and c"))
	end)

	it("parses every binary operator", function()
		for _, op in ipairs({ "=", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
			"startswith", "bstartswith", "endswith", "glob", "iglob", "regex" }) do
			assert.are.equal("{fd.name " .. op .. " x}", p("fd.name " .. op .. " x"))
		end
		assert.are.equal("{fd.name = x}", p("fd.name == x"))
	end)

	it("parses exists and list operators", function()
		assert.are.equal("{fd.name exists}", p("fd.name exists"))
		assert.are.equal("{proc.name in [sh,bash,my shell]}", p("proc.name in (sh, bash, 'my shell')"))
		assert.are.equal("{proc.name intersects [a]}", p("proc.name intersects (a)"))
		assert.are.equal("{fd.name pmatch [dirs,/tmp]}", p("fd.name pmatch (dirs, /tmp)"))
		assert.are.equal("{proc.name in []}", p("proc.name in ()"))
		assert.are.equal("{proc.name in [@shell_binaries]}", p("proc.name in shell_binaries"))
	end)

	it("parses field arguments, transformers and val()", function()
		local t = parse.condition("proc.aname[2] = sh", {})
		assert.are.equal("proc.aname", t.field.name)
		assert.are.equal("2", t.field.arg)
		t = parse.condition("container.mount.dest[/etc] exists", {})
		assert.are.equal("/etc", t.field.arg)
		t = parse.condition("toupper(tolower(proc.name)) = X", {})
		assert.are.same({ "tolower", "toupper" }, t.field.xf)
		assert.are.equal("proc.name", t.field.name)
		assert.are.equal("{fd.name = val(proc.cwd)}", p("fd.name = val(proc.cwd)"))
		assert.are.equal("{len(proc.args) > 3}", p("len(proc.args) > 3"))
		assert.are.equal("{evt.arg.flags contains O_CREAT}", p("evt.arg.flags contains O_CREAT"))
	end)

	it("marks quoted values", function()
		local t = parse.condition("a = 'and' and b = or", {})
		assert.is_true(t.args[1].value.quoted)
		assert.are.equal("and", t.args[1].value.v)
		assert.is_false(t.args[2].value.quoted)
		assert.are.equal("or", t.args[2].value.v)
	end)

	it("attaches offsets and the source item", function()
		local src = { item = "macro", name = "m" }
		local t = parse.condition("a and proc.name = x", src)
		assert.are.equal(6, t.args[2].pos)
		assert.are.equal(src, t.args[2].src)
	end)

	it("reports syntax errors with offsets", function()
		local t, msg, pos = p("a and (b or")
		assert.is_nil(t)
		assert.matches("expected", msg)
		assert.are.equal(11, pos)
		t, msg, pos = p("a b")
		assert.matches("unexpected 'b'", msg)
		assert.are.equal(2, pos)
		t, msg, pos = p("proc.name in (a b)")
		assert.matches("expected ',' or '%)'", msg)
		assert.are.equal(16, pos)
		t, msg = p("proc.name =")
		assert.matches("expected a value", msg)
		t, msg = p("and a")
		assert.matches("unexpected 'and'", msg)
		t, msg = p("")
		assert.matches("expected a condition", msg)
	end)

	it("refuses 1,000 levels of nesting cleanly", function()
		local deep = string.rep("(", 1000) .. "a" .. string.rep(")", 1000)
		local t, msg = p(deep)
		assert.is_nil(t)
		assert.matches("nests deeper", msg)
		t, msg = p(string.rep("not ", 1000) .. "a")
		assert.is_nil(t)
		assert.matches("nests deeper", msg)
	end)
end)
