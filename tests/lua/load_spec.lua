-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.load: rules files -> records, shape checks, locations.
local load = require("saker.rules.load")

local FIX = "tests/fixtures/rules/"

local tmpfile = require("tmpfile")
local tmp = tmpfile.write

local function records(text)
	local name = tmp(text)
	local items, diags = load.files({ name })
	return items, diags, name
end

local find = tmpfile.find

describe("saker.rules.load", function()
	teardown(tmpfile.cleanup)

	it("reads every item kind with its location", function()
		local items, diags = load.files({ FIX .. "base.yaml" })
		assert.same({}, diags)
		local kinds = {}
		for i, r in ipairs(items) do kinds[i] = r.kind end
		assert.same({ "required_engine_version", "required_plugin_versions", "list", "list",
			"macro", "rule", "rule" }, kinds)
		assert.equal("0.26.0", items[1].version)
		assert.same({ name = "container", version = "0.4.0", alternatives = {} },
			items[2].plugins[1])
		assert.same({ "bash", "sh", "zsh" }, items[3].items)
		assert.same({ "shell_binaries", "python3" }, items[4].items)
		local m = items[5]
		assert.equal("spawned_process", m.name)
		assert.equal("evt.type = execve and evt.dir = <", m.condition)
		assert.same({ file = FIX .. "base.yaml", line = 15, col = 3 }, m.loc)
		assert.same({ file = FIX .. "base.yaml", line = 16, col = 14 }, m.cond_loc)
		local r = items[6]
		assert.equal("Shell spawned", r.name)
		assert.equal("Warning", r.priority)
		assert.equal(4, r.priority_num)
		assert.same({ "shell", "process_spawn" }, r.tags)
		assert.same({ file = FIX .. "base.yaml", line = 21, col = 11 }, r.output_loc)
		local r2 = items[7]
		assert.equal("Informational", r2.priority)
		assert.equal(6, r2.priority_num)
		assert.is_false(r2.enabled)
		local e = r2.exceptions[1]
		assert.equal("known_parents", e.name)
		assert.same({ "proc.pname", "proc.cwd" }, e.fields)
		assert.same({ "=", "startswith" }, e.comps)
		assert.same({ { "cron", "/var/spool" } }, e.values)
		assert.same({ file = FIX .. "base.yaml", line = 32, col = 7 }, e.loc)
	end)

	it("accepts every priority spelling Falco accepts, case-insensitive", function()
		local cases = {
			EMERGENCY = { "Emergency", 0 }, alert = { "Alert", 1 }, Critical = { "Critical", 2 },
			error = { "Error", 3 }, WARNING = { "Warning", 4 }, notice = { "Notice", 5 },
			informational = { "Informational", 6 }, Info = { "Informational", 6 },
			debug = { "Debug", 7 },
		}
		for spelling, want in pairs(cases) do
			local p, n = load.priority(spelling)
			assert.same(want, { p, n }, spelling)
		end
		assert.is_nil(load.priority("warn"))
		assert.is_nil(load.priority("verbose"))
	end)

	it("refuses a bad priority, pointing at it", function()
		local items, diags, name = records([[
- rule: r
  desc: d
  condition: evt.type = open
  output: o
  priority: severe
]])
		assert.equal(0, #items)
		local d = assert(find(diags, "LOAD_ERR_YAML_VALIDATE"))
		assert.equal("error", d.level)
		assert.equal(name, d.file)
		assert.same({ 5, 13 }, { d.line, d.col })
		assert.matches("Invalid priority 'severe'", d.msg)
		assert.equal("rule", d.item)
		assert.equal("r", d.name)
	end)

	it("warns about unknown keys and keeps the item", function()
		local items, diags = records([[
- macro: m
  condition: evt.type = open
  colour: blue
]])
		assert.equal(1, #items)
		local d = assert(find(diags, "LOAD_UNKNOWN_KEY"))
		assert.equal("warning", d.level)
		assert.same({ 3, 3 }, { d.line, d.col })
		assert.matches("colour", d.msg)
	end)

	it("warns about a key set twice in an item", function()
		local items, diags = records("- macro: m\n  condition: a\n  condition: b\n")
		assert.equal("b", items[1].condition)
		local d = assert(find(diags, "LOAD_DUPLICATE_KEY"))
		assert.equal("warning", d.level)
		assert.same({ 3, 3 }, { d.line, d.col })
	end)

	it("warns about an unknown top-level item", function()
		local items, diags = records("- widget: w\n")
		assert.equal(0, #items)
		assert.equal("warning", assert(find(diags, "LOAD_UNKNOWN_ITEM")).level)
	end)

	it("refuses items without a name", function()
		for _, kind in ipairs({ "rule", "macro", "list" }) do
			local items, diags = records("- " .. kind .. ":\n  condition: x\n")
			assert.equal(0, #items)
			local d = assert(find(diags, "LOAD_ERR_YAML_VALIDATE"))
			assert.equal("Mapping for key '" .. kind .. "' is empty", d.msg)
		end
	end)

	it("refuses values of the wrong type", function()
		local cases = {
			{ "- rule: r\n  tags: notalist\n  enabled: true\n", "tags" },
			{ "- rule: r\n  enabled: maybe\n", "enabled" },
			{ "- list: l\n  items: {a: 1}\n", "items" },
			{ "- macro: m\n  condition: [a, b]\n", "condition" },
			{ "- rule: r\n  exceptions: {name: x}\n  append: true\n", "exceptions" },
		}
		for _, c in ipairs(cases) do
			local items, diags = records(c[1])
			assert.equal(0, #items, c[2])
			assert.is_truthy(find(diags, "LOAD_ERR_YAML_VALIDATE"), c[2])
		end
	end)

	it("rejects content that is not a list of maps", function()
		local _, d1 = records("just a string\n")
		assert.equal("Rules content is not yaml", d1[1].msg)
		local _, d2 = records("a: map\n")
		assert.equal("Rules content is not yaml array of objects", d2[1].msg)
		local _, d3 = records("- [a, list]\n")
		assert.matches("Each element should be a yaml associative array", d3[1].msg)
		local items, d4 = records("# only a comment\n")
		assert.same({}, items)
		assert.same({}, d4)
	end)

	it("turns invalid YAML into an error with its location", function()
		local items, diags, name = records("- rule: r\n  desc: [unclosed\n  output: x\n")
		assert.equal(0, #items)
		local d = assert(find(diags, "LOAD_ERR_YAML_PARSE"))
		assert.equal(name, d.file)
		assert.is_number(d.line)
		assert.is_number(d.col)
		assert.matches("^" .. name:gsub("%p", "%%%0") .. ":%d+:%d+: error: ", load.format_diag(d))
	end)

	it("checks override entries", function()
		local cases = {
			{ "priority: append", "Key 'priority' cannot be appended to, use 'replace' instead" },
			{ "enabled: append", "Key 'enabled' cannot be appended to, use 'replace' instead" },
			{ "condition: merge", "must be 'append' or 'replace'" },
			{ "items: replace", "Key 'items' cannot be replaced" },
		}
		for _, c in ipairs(cases) do
			local items, diags = records("- rule: r\n  condition: x\n  priority: info\n"
				.. "  enabled: true\n  override:\n    " .. c[1] .. "\n")
			assert.equal(0, #items, c[1])
			local d = assert(find(diags, "LOAD_ERR_OVERRIDE"), c[1])
			assert.matches(c[2], d.msg, 1, true)
		end
		-- an override for a key the item does not set
		local _, d1 = records("- rule: r\n  desc: x\n  override:\n    desc: replace\n    condition: append\n")
		assert.matches("An append override for 'condition' was specified but 'condition' is not defined",
			assert(find(d1, "LOAD_ERR_OVERRIDE")).msg, 1, true)
		-- a key set but not overridden
		local _, d2 = records("- rule: r\n  desc: x\n  priority: info\n  override:\n    desc: replace\n")
		assert.matches("Unexpected key 'priority'", assert(find(d2, "LOAD_ERR_OVERRIDE")).msg, 1, true)
		-- append and override together
		local _, d3 = records("- macro: m\n  condition: x\n  append: true\n  override:\n    condition: append\n")
		assert.matches("cannot be used together", assert(find(d3, "LOAD_ERR_OVERRIDE")).msg)
		-- allowed overrides, per item kind
		local ok = {
			"- list: l\n  items: [a]\n  override:\n    items: append\n",
			"- list: l\n  items: [a]\n  override:\n    items: replace\n",
			"- macro: m\n  condition: x\n  override:\n    condition: append\n",
			"- macro: m\n  condition: x\n  override:\n    condition: replace\n",
			"- rule: r\n  condition: x\n  output: o\n  desc: d\n  tags: [t]\n  exceptions: []\n"
				.. "  override: {condition: append, output: append, desc: append, tags: append,"
				.. " exceptions: append}\n",
			"- rule: r\n  condition: x\n  output: o\n  desc: d\n  priority: info\n  tags: [t]\n"
				.. "  exceptions: []\n  enabled: true\n  warn_evttypes: false\n"
				.. "  skip-if-unknown-filter: true\n  capture: true\n  capture_duration: 5\n"
				.. "  override: {condition: replace, output: replace, desc: replace,"
				.. " priority: replace, tags: replace, exceptions: replace, enabled: replace,"
				.. " warn_evttypes: replace, skip-if-unknown-filter: replace, capture: replace,"
				.. " capture_duration: replace}\n",
		}
		for _, text in ipairs(ok) do
			local items, diags = records(text)
			assert.equal(1, #items, text)
			assert.same({}, diags, text)
		end
	end)

	it("warns that append: true is deprecated", function()
		local items, diags = records("- list: l\n  items: [a]\n  append: true\n")
		assert.equal(1, #items)
		local d = assert(find(diags, "LOAD_DEPRECATED_ITEM"))
		assert.equal("warning", d.level)
		assert.same({ 3, 11 }, { d.line, d.col })
	end)

	it("reads required_engine_version in both forms and refuses others", function()
		local items = records("- required_engine_version: 26\n")
		assert.equal("0.26.0", items[1].version)
		assert.equal("26", items[1].written)
		local i2 = records("- required_engine_version: 0.31.2\n")
		assert.equal("0.31.2", i2[1].version)
		local i3, d3 = records("- required_engine_version: seven\n")
		assert.equal(0, #i3)
		assert.equal("Can't decode YAML scalar value", d3[1].msg)
	end)

	it("loads a directory's *.yaml and *.yml files sorted by name, not recursively", function()
		local files = load.expand({ FIX .. "dir" })
		assert.same({ FIX .. "dir/02-first.yml", FIX .. "dir/10-second.yaml",
			FIX .. "dir/20-third.yaml" }, files)
		local items, diags = load.files({ FIX .. "dir", FIX .. "base.yaml" })
		assert.same({}, diags)
		assert.equal("evt.type = close", items[1].condition)
		assert.equal("or evt.type = openat", items[3].condition)
		assert.equal("required_engine_version", items[4].kind)
	end)

	it("reports a missing file as an error", function()
		local items, diags = load.files({ "/nonexistent/rules.yaml" })
		assert.same({}, items)
		assert.equal("LOAD_ERR_FILE_READ", diags[1].code)
		assert.equal("/nonexistent/rules.yaml", diags[1].file)
	end)

	it("formats diagnostics as file:line:col: level: message", function()
		local s = load.format_diag({ level = "error", file = "a.yaml", line = 3, col = 5,
			msg = "bad", item = "rule", name = "r", code = "LOAD_ERR_VALIDATE" })
		assert.equal("a.yaml:3:5: error: rule 'r': bad [LOAD_ERR_VALIDATE]", s)
	end)

	it("loads a 10 MB rules file in a few seconds", function()
		local parts, size, i = {}, 0, 0
		while size < 10 * 1024 * 1024 do
			i = i + 1
			local s = string.format([[
- list: list_%d
  items: [a%d, "b %d", c]
- macro: macro_%d
  condition: (proc.name in (list_%d) and fd.name startswith /tmp/%d)
- rule: Rule number %d
  desc: >
    Generated rule %d with a folded description
    on two lines.
  condition: evt.type = open and macro_%d and not proc.name = x%d
  output: "Generated %d (proc=%%proc.name file=%%fd.name)"
  priority: WARNING
  tags: [generated, t%d]
  exceptions:
    - name: e%d
      fields: [proc.name, fd.name]
      comps: [=, startswith]
      values:
        - [p%d, /x/%d]
]], i, i, i, i, i, i, i, i, i, i, i, i, i, i, i)
			parts[#parts + 1] = s
			size = size + #s
		end
		local name = tmp(table.concat(parts))
		parts = nil
		collectgarbage()
		local t0 = os.clock()
		local rs, diags = load.ruleset({ name })
		local dt = os.clock() - t0
		assert.same({}, diags)
		assert.equal(i, #rs.rules)
		assert.equal("Rule number " .. i, rs.rules[i].name)
		assert.equal((i - 1) * 18 + 9, rs.rules[i].cond_loc.line)
		assert.is_true(dt < 8, "took " .. dt .. " s")
		rs = nil
		collectgarbage()
	end)
end)
