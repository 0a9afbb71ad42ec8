-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.collect: appends, overrides, redefinitions, enabled-only
-- entries, exceptions and version checks, through load.ruleset.
local load = require("saker.rules.load")
local collect = require("saker.rules.collect")

local FIX = "tests/fixtures/rules/"

local tmpfile = require("tmpfile")
local tmp = tmpfile.write

-- ruleset of one or more texts, each its own file, in order
local function rs_of(...)
	local names = {}
	for i, t in ipairs({ ... }) do names[i] = tmp(t) end
	local rs, diags = load.ruleset(names)
	return rs, diags, names
end

local function errors(diags)
	local out = {}
	for _, d in ipairs(diags) do
		if d.level == "error" then out[#out + 1] = d end
	end
	return out
end

local find = tmpfile.find

local BASE = [[
- list: l
  items: [a, b]
- macro: m
  condition: evt.type = open
- rule: r
  desc: the rule
  condition: m and proc.name in (l)
  output: "seen %proc.name"
  priority: notice
  tags: [t1]
  exceptions:
    - name: ex
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [cat, /tmp]
]]

describe("saker.rules.collect", function()
	teardown(tmpfile.cleanup)

	it("builds the ruleset the compiler consumes", function()
		local rs, diags = load.ruleset({ FIX .. "base.yaml" })
		assert.same({}, diags)
		assert.equal("0.26.0", rs.required_engine_version)
		assert.same({ "bash", "sh", "zsh" }, rs.lists.shell_binaries.items)
		-- a list naming another list keeps the name as written
		assert.same({ "shell_binaries", "python3" }, rs.lists.interpreters.items)
		assert.same({ file = FIX .. "base.yaml", line = 12, col = 3 }, rs.lists.interpreters.loc)
		local m = rs.macros.spawned_process
		assert.equal("evt.type = execve and evt.dir = <", m.condition)
		assert.same({ file = FIX .. "base.yaml", line = 16, col = 14 }, m.cond_loc)
		assert.equal(2, #rs.rules)
		local r = rs.rules[1]
		assert.equal("Shell spawned", r.name)
		assert.equal("A shell was spawned", r.desc)
		assert.equal("Warning", r.priority)
		assert.equal(4, r.priority_num)
		assert.same({ "shell", "process_spawn" }, r.tags)
		assert.is_true(r.enabled)
		assert.equal("syscall", r.source)
		assert.is_true(r.warn_evttypes)
		assert.is_false(r.skip_if_unknown_filter)
		assert.same({}, r.exceptions)
		assert.same({ file = FIX .. "base.yaml", line = 18, col = 3 }, r.loc)
		assert.same({ file = FIX .. "base.yaml", line = 20, col = 14 }, r.cond_loc)
		assert.same({ file = FIX .. "base.yaml", line = 21, col = 11 }, r.output_loc)
		assert.equal(r, rs.rule_by_name["Shell spawned"])
		assert.is_false(rs.rules[2].enabled)
		assert.equal("known_parents", rs.rules[2].exceptions[1].name)
	end)

	it("applies a later file's overrides to an earlier file's items", function()
		local rs, diags = load.ruleset({ FIX .. "base.yaml", FIX .. "local.yaml" })
		assert.same({}, errors(diags))
		assert.same({ "bash", "sh", "zsh", "fish" }, rs.lists.shell_binaries.items)
		local r = rs.rules[1]
		assert.equal("spawned_process and proc.name in (shell_binaries) and not proc.pname = sshd",
			r.condition)
		-- the appended piece maps back to its own file
		assert.equal(2, #r.cond_parts)
		assert.equal(1, r.cond_parts[1].pos)
		assert.equal(FIX .. "base.yaml", r.cond_parts[1].loc.file)
		local p2 = r.cond_parts[2]
		assert.equal("and not", r.condition:sub(p2.pos, p2.pos + 6))
		assert.same({ file = FIX .. "local.yaml", line = 9, col = 14 }, p2.loc)
		assert.is_true(rs.rules[2].enabled)
	end)

	it("applies a directory's files in name order", function()
		local rs, diags = load.ruleset({ FIX .. "dir" })
		assert.same({}, diags)
		assert.same({ FIX .. "dir/02-first.yml", FIX .. "dir/10-second.yaml",
			FIX .. "dir/20-third.yaml" }, rs.files)
		assert.equal("evt.type = open or evt.type = openat", rs.macros.m.condition)
	end)

	it("replaces a redefined rule in its first position", function()
		local rs, diags = rs_of([[
- rule: a
  desc: a
  condition: evt.type = open
  output: a
  priority: info
- rule: b
  desc: b
  condition: evt.type = close
  output: b
  priority: info
- rule: a
  desc: a2
  condition: evt.type = openat
  output: a2
  priority: error
  enabled: false
]])
		assert.same({}, diags)
		assert.equal(2, #rs.rules)
		assert.equal("a", rs.rules[1].name)
		assert.equal("a2", rs.rules[1].desc)
		assert.equal("Error", rs.rules[1].priority)
		assert.is_false(rs.rules[1].enabled)
		assert.equal(rs.rules[1], rs.rule_by_name.a)
		assert.equal("b", rs.rules[2].name)
	end)

	it("redefines lists and macros", function()
		local rs = rs_of(BASE, "- list: l\n  items: [z]\n- macro: m\n  condition: evt.type = close\n")
		assert.same({ "z" }, rs.lists.l.items)
		assert.equal("evt.type = close", rs.macros.m.condition)
	end)

	describe("append: true (deprecated)", function()
		it("appends list items, macro and rule conditions, rule exceptions", function()
			local rs, diags = rs_of(BASE, [[
- list: l
  items: [c]
  append: true
- macro: m
  condition: or evt.type = openat
  append: true
- rule: r
  condition: and fd.num > 2
  exceptions:
    - name: ex
      values:
        - [dd, /dev]
    - name: ex2
      fields: proc.pname
      values: [bash]
  append: true
]])
			assert.same({}, errors(diags))
			assert.is_truthy(find(diags, "LOAD_DEPRECATED_ITEM"))
			assert.same({ "a", "b", "c" }, rs.lists.l.items)
			assert.equal("evt.type = open or evt.type = openat", rs.macros.m.condition)
			local r = rs.rules[1]
			assert.equal("m and proc.name in (l) and fd.num > 2", r.condition)
			assert.same({ { "cat", "/tmp" }, { "dd", "/dev" } }, r.exceptions[1].values)
			assert.equal("ex2", r.exceptions[2].name)
			assert.equal("proc.pname", r.exceptions[2].fields)
			assert.same({ "bash" }, r.exceptions[2].values)
		end)

		it("refuses to append to an item that does not exist", function()
			local cases = {
				{ "- list: nope\n  items: [c]\n  append: true\n",
					"List has 'append' key but no list by that name already exists" },
				{ "- macro: nope\n  condition: x\n  append: true\n",
					"Macro has 'append' key but no macro by that name already exists" },
				{ "- rule: nope\n  condition: x\n  append: true\n",
					"Rule has 'append' key but no rule by that name already exists" },
			}
			for _, c in ipairs(cases) do
				local _, diags = rs_of(BASE, c[1])
				local e = errors(diags)
				assert.equal(1, #e, c[1])
				assert.equal(c[2], e[1].msg)
				assert.equal("LOAD_ERR_VALIDATE", e[1].code)
				assert.equal("nope", e[1].name)
			end
		end)

		it("needs a condition or exceptions on an appended rule", function()
			local _, diags = rs_of(BASE, "- rule: r\n  desc: more\n  append: true\n")
			assert.equal("Appended rule must have exceptions or condition property",
				errors(diags)[1].msg)
		end)

		it("refuses an append defined before the item, even in the same file", function()
			local _, diags = rs_of("- macro: m\n  condition: or x\n  append: true\n"
				.. "- macro: m\n  condition: y\n")
			assert.equal(1, #errors(diags))
		end)
	end)

	describe("override", function()
		it("appends condition, output, desc, tags and exceptions of a rule", function()
			local rs, diags = rs_of(BASE, [[
- rule: r
  condition: and fd.num > 2
  output: (fd=%fd.name)
  desc: and more
  tags: [t2]
  exceptions:
    - name: ex
      values:
        - [dd, /dev]
  override:
    condition: append
    output: append
    desc: append
    tags: append
    exceptions: append
]])
			assert.same({}, diags)
			local r = rs.rules[1]
			assert.equal("m and proc.name in (l) and fd.num > 2", r.condition)
			assert.equal("seen %proc.name (fd=%fd.name)", r.output)
			assert.equal("the rule and more", r.desc)
			assert.same({ "t1", "t2" }, r.tags)
			assert.same({ { "cat", "/tmp" }, { "dd", "/dev" } }, r.exceptions[1].values)
		end)

		it("replaces every replaceable key of a rule", function()
			local rs, diags, names = rs_of(BASE, [[
- rule: r
  condition: evt.type = close
  output: new output
  desc: new desc
  priority: CRITICAL
  tags: [t9]
  exceptions:
    - name: other
      fields: proc.name
      values: [x]
  enabled: false
  warn_evttypes: false
  skip-if-unknown-filter: true
  capture: true
  capture_duration: 3000
  override:
    condition: replace
    output: replace
    desc: replace
    priority: replace
    tags: replace
    exceptions: replace
    enabled: replace
    warn_evttypes: replace
    skip-if-unknown-filter: replace
    capture: replace
    capture_duration: replace
]])
			assert.same({}, diags)
			local r = rs.rules[1]
			assert.equal("evt.type = close", r.condition)
			assert.same({ file = names[2], line = 2, col = 14 }, r.cond_loc)
			assert.equal(1, #r.cond_parts)
			assert.equal("new output", r.output)
			assert.same({ file = names[2], line = 3, col = 11 }, r.output_loc)
			assert.equal("new desc", r.desc)
			assert.equal("Critical", r.priority)
			assert.equal(2, r.priority_num)
			assert.same({ "t9" }, r.tags)
			assert.equal(1, #r.exceptions)
			assert.equal("other", r.exceptions[1].name)
			assert.is_false(r.enabled)
			assert.is_false(r.warn_evttypes)
			assert.is_true(r.skip_if_unknown_filter)
			assert.is_true(r.capture)
			assert.equal(3000, r.capture_duration)
			-- the rule keeps its place and its definition's location
			assert.equal(1, #rs.rules)
			assert.equal(names[1], r.loc.file)
		end)

		it("appends and replaces list items and macro conditions", function()
			local rs, diags = rs_of(BASE, [[
- list: l
  items: [c]
  override:
    items: append
- macro: m
  condition: or evt.type = openat
  override:
    condition: append
]])
			assert.same({}, diags)
			assert.same({ "a", "b", "c" }, rs.lists.l.items)
			assert.equal("evt.type = open or evt.type = openat", rs.macros.m.condition)
			local rs2 = rs_of(BASE, [[
- list: l
  items: [c]
  override:
    items: replace
- macro: m
  condition: evt.type = close
  override:
    condition: replace
]])
			assert.same({ "c" }, rs2.lists.l.items)
			assert.equal("evt.type = close", rs2.macros.m.condition)
		end)

		it("defines a missing list or macro on replace, as Falco does", function()
			local rs, diags = rs_of([[
- list: nl
  items: [x]
  override:
    items: replace
- macro: nm
  condition: evt.type = open
  override:
    condition: replace
]])
			assert.same({}, diags)
			assert.same({ "x" }, rs.lists.nl.items)
			assert.equal("evt.type = open", rs.macros.nm.condition)
		end)

		it("refuses to override what does not exist", function()
			local cases = {
				"- list: nope\n  items: [c]\n  override:\n    items: append\n",
				"- macro: nope\n  condition: x\n  override:\n    condition: append\n",
				"- rule: nope\n  condition: x\n  override:\n    condition: append\n",
				"- rule: nope\n  condition: x\n  override:\n    condition: replace\n",
			}
			for _, text in ipairs(cases) do
				local _, diags = rs_of(BASE, text)
				local e = errors(diags)
				assert.equal(1, #e, text)
				assert.equal("LOAD_ERR_VALIDATE", e[1].code)
				assert.matches("no %a+ by that name already exists", e[1].msg)
			end
		end)
	end)

	describe("enabled-only entries", function()
		it("switch an existing rule on or off, with a deprecation warning", function()
			local rs, diags = rs_of(BASE, "- rule: r\n  enabled: false\n")
			assert.same({}, errors(diags))
			assert.is_false(rs.rules[1].enabled)
			assert.is_truthy(find(diags, "LOAD_DEPRECATED_ITEM"))
			local rs2 = rs_of(BASE, "- rule: r\n  enabled: false\n", "- rule: r\n  enabled: true\n")
			assert.is_true(rs2.rules[1].enabled)
		end)

		it("are an error for a rule that does not exist", function()
			local _, diags = rs_of(BASE, "- rule: ghost\n  enabled: true\n")
			local e = errors(diags)
			assert.equal(1, #e)
			assert.equal("ghost", e[1].name)
		end)

		it("are ignored inside an append, as Falco ignores them", function()
			local rs = rs_of(BASE, "- rule: r\n  enabled: false\n",
				"- rule: r\n  condition: and x\n  append: true\n  enabled: true\n")
			assert.is_false(rs.rules[1].enabled)
		end)
	end)

	it("requires condition, output, desc and priority on a new rule", function()
		local full = { condition = "evt.type = open", output = "o", desc = "d", priority = "info" }
		for missing in pairs(full) do
			local text = "- rule: r\n"
			for k, v in pairs(full) do
				if k ~= missing then text = text .. "  " .. k .. ": " .. v .. "\n" end
			end
			local rs, diags = rs_of(text)
			assert.equal(0, #rs.rules, missing)
			local e = errors(diags)
			assert.equal(1, #e, missing)
			assert.equal("Item has no mapping for key '" .. missing .. "'", e[1].msg)
			assert.equal("LOAD_ERR_YAML_VALIDATE", e[1].code)
		end
		local _, d2 = rs_of("- macro: m\n  append: false\n")
		assert.equal("Item has no mapping for key 'condition'", errors(d2)[1].msg)
		local _, d3 = rs_of("- list: l\n")
		assert.equal("Item has no mapping for key 'items'", errors(d3)[1].msg)
		local _, d4 = rs_of("- rule: r\n  condition:\n  desc: d\n  output: o\n  priority: info\n")
		assert.equal("Mapping for key 'condition' is empty", errors(d4)[1].msg)
	end)

	describe("exceptions", function()
		local function rule_with(exc)
			return "- rule: r\n  desc: d\n  condition: evt.type = open\n  output: o\n"
				.. "  priority: info\n  exceptions:\n" .. exc
		end

		it("accept the forms Falco accepts", function()
			local rs, diags = rs_of(rule_with([=[
    - name: single
      fields: proc.name
      comps: in
      values: [cat, dog]
    - name: tuple_default_comps
      fields: [proc.name, fd.name]
      values:
        - [cat, /dev/null]
    - name: list_values
      fields: [proc.name, fd.name]
      comps: [=, in]
      values:
        - [cat, [/a, /b]]
    - name: no_values
      fields: [proc.name]
]=]))
			assert.same({}, diags)
			local e = rs.rules[1].exceptions
			assert.equal(4, #e)
			assert.same({ "cat", { "/a", "/b" } }, e[3].values[1])
			assert.is_nil(e[4].values)
		end)

		it("refuse mismatched lengths and unknown operators", function()
			local cases = {
				{ "    - name: e\n      fields: [a.b, c.d]\n      comps: [=]\n",
					"Fields and comps lists must have equal length" },
				{ "    - name: e\n      fields: [a.b, c.d]\n      values:\n        - [x]\n",
					"Fields and values lists must have equal length" },
				{ "    - name: e\n      fields: [a.b]\n      comps: [no-comp]\n",
					"'no-comp' is not a supported comparison operator" },
				{ "    - name: e\n      values: [x]\n", "Item has no mapping for key 'fields'" },
				{ "    - fields: [a.b]\n", "Item has no mapping for key 'name'" },
			}
			for _, c in ipairs(cases) do
				local rs, diags = rs_of(rule_with(c[1]))
				assert.equal(0, #rs.rules, c[2])
				local e = errors(diags)
				assert.equal(1, #e, c[2])
				assert.equal(c[2], e[1].msg)
				assert.is_number(e[1].line)
				-- named as Falco names them: the exception, in its rule
				assert.equal("exception", e[1].item)
				assert.equal(c[2]:find("'name'") and "" or "e", e[1].name)
				assert.equal("r", e[1].rule)
			end
		end)

		it("need fields when an append brings a new one", function()
			local _, diags = rs_of(BASE, "- rule: r\n  exceptions:\n    - name: new\n"
				.. "      values: [x]\n  append: true\n")
			assert.equal("Rule exception must have fields property with a list of fields",
				errors(diags)[1].msg)
		end)

		it("check appended values against the existing fields", function()
			local rs, diags = rs_of(BASE, "- rule: r\n  exceptions:\n    - name: ex\n"
				.. "      values:\n        - [only_one]\n  override:\n    exceptions: append\n")
			assert.equal("Fields and values lists must have equal length", errors(diags)[1].msg)
			assert.is_nil(rs.rule_by_name.r)
		end)
	end)

	it("checks the required engine version", function()
		local rs, diags = rs_of("- required_engine_version: 0.10.0\n",
			"- required_engine_version: 12\n")
		assert.same({}, diags)
		assert.equal("0.12.0", rs.required_engine_version)
		local _, d2 = rs_of("- required_engine_version: 99.0.0\n")
		local e = errors(d2)[1]
		assert.equal("Rules require engine version 99.0.0, but engine version is "
			.. collect.ENGINE_VERSION, e.msg)
		assert.equal("required_engine_version", e.item)
	end)

	it("meets a container plugin requirement and warns about others", function()
		local rs, diags = rs_of([[
- required_plugin_versions:
    - name: container
      version: 0.4.0
    - name: k8saudit
      version: 0.1.0
      alternatives:
        - name: k8saudit-eks
          version: 0.1.0
]])
		assert.equal(2, #rs.required_plugins)
		assert.equal(1, #diags)
		assert.equal("warning", diags[1].level)
		assert.equal("LOAD_UNSATISFIED_PLUGIN", diags[1].code)
		assert.matches("k8saudit", diags[1].msg)
	end)

	it("never raises on hostile input", function()
		local texts = {
			"- rule: [a]\n", "- list: l\n  items: 5\n", "- macro: {a: b}\n",
			"- rule: r\n  exceptions: 5\n", "- rule: r\n  override: 5\n",
			"- required_plugin_versions: 5\n", "- required_plugin_versions:\n    - 5\n",
			"- rule: r\n  override:\n    - condition\n", "---\n- a\n---\n- rule: x\n",
			"- rule: r\n  exceptions:\n    - name: e\n      fields: [a]\n      values: [[[x]]]\n",
		}
		for _, t in ipairs(texts) do
			local ok, rs, diags = pcall(rs_of, t)
			assert.is_true(ok, t)
			assert.is_table(rs, t)
			assert.is_table(diags, t)
		end
	end)
end)
