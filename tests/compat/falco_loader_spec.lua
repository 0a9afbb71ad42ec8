-- SPDX-License-Identifier: Apache-2.0
-- Falco's own rules-language fixtures (falco_tests.yaml and
-- falco_tests_exceptions.yaml at falco 059a2818, with their rules/ files):
-- for every case that names rules files, saker reaches Falco's verdict.
--   - a case with validate_errors must fail, with its first error on the
--     same item (type and name) and, for loader errors, the same code and
--     message (message_contains: a substring);
--   - every other case must load with zero errors (Falco ran it);
--   - validate_ok files must load on their own.
-- Errors Falco raises while compiling conditions and outputs are checked
-- through saker.rules.compile when it is available (item and name only:
-- the compiler words its own messages); without it they are pending.
-- Out of scope, and skipped with their reason: cases that use Falco's
-- default rules rather than a rules file, cases whose verdict is a
-- command-line or runtime failure, and what needs a capture file or
-- runtime output (detections, counts, output formats, drops): here those
-- cases only have to load.
local yaml = require("saker.yaml")
local load = require("saker.rules.load")

local function repo_root()
	local src = debug.getinfo(1, "S").source:sub(2)
	return src:match("^(.*)/tests/compat/[^/]+$") or "."
end

local FALCO = repo_root() .. "/../shared/scap/traces/expectations/falco_059a2818"
local SUITES = { "falco_tests.yaml", "falco_tests_exceptions.yaml" }

-- Deliberate differences from Falco: case name -> { what, reason }.
local DIFFERENCES = {
	invalid_yaml_parse_error = {
		what = "message",
		reason = "the YAML parser is libyaml (lyaml), not yaml-cpp: the error is the same, "
			.. "at the same line and column, in libyaml's words",
	},
}

-- Falco's item types -> saker's diag.item
local ITEM = {
	["rules content"] = "rules content", ["rules content item"] = "rules content item",
	required_engine_version = "required_engine_version", rule = "rule", macro = "macro",
	list = "list", exception = "exception",
}

-- Errors that only a condition/output compiler can find.
local function compile_level(e)
	if e.code:find("^LOAD_ERR_COMPILE") then return true end
	local m = e.message or e.message_contains or ""
	return m:find("Undefined macro", 1, true) or m:find("reference loop", 1, true)
		or m:find("is not a supported filter field", 1, true)
end

local function read_cases(name)
	local f = io.open(FALCO .. "/" .. name, "rb")
	if not f then return nil end
	local text = f:read("*a")
	f:close()
	local docs = assert(yaml.load(text, name))
	local cases = {}
	local tf = docs[1].by.trace_files
	for i = 1, #tf.keys do
		local c = yaml.plain(tf.values[i])
		c.name = tf.keys[i].value
		c.suite = name
		cases[#cases + 1] = c
	end
	return cases
end

local function list(v)
	if v == nil then return nil end
	if type(v) == "string" then return { v } end
	return v
end

local function paths(files)
	local out = {}
	for i, f in ipairs(files) do out[i] = FALCO .. "/" .. f end
	return out
end

local function first_error(diags)
	for _, d in ipairs(diags) do
		if d.level == "error" then return d end
	end
end

local function error_lines(diags)
	local out = {}
	for _, d in ipairs(diags) do
		if d.level == "error" then out[#out + 1] = load.format_diag(d) end
	end
	return out
end

-- The compiler, if it is there and the C core loads.
local function compiler()
	local ok, compile = pcall(require, "saker.rules.compile")
	if not ok then return nil end
	local okc, core = pcall(require, "saker.core")
	if not okc then return nil end
	local s = core.open({ live = false })
	if not s then return nil end
	return function(rs)
		local _, diags = compile.ruleset(rs, s, {})
		return diags
	end
end

describe("Falco's loader fixtures", function()
	local f = io.open(FALCO .. "/falco_tests.yaml", "rb")
	if not f then
		pending("Falco fixtures not found at " .. FALCO .. ": compat skipped")
		return
	end
	f:close()
	local compile = compiler()

	for _, suite in ipairs(SUITES) do
		for _, c in ipairs(read_cases(suite) or {}) do
			local files = list(c.validate_rules_file) or list(c.rules_file)
			local expect = c.validate_errors and c.validate_errors[1]
			local label = suite .. ": " .. c.name
			if not files then
				pending(label .. ": uses Falco's default rules, not a rules file (out of scope)")
			elseif c.exit_status == 1 and not expect then
				pending(label .. ": the verdict is a command-line or runtime failure (out of scope)")
			elseif expect then
				it(label .. " fails like Falco", function()
					local rs, diags = load.ruleset(paths(files))
					local at_compile = compile_level(expect)
					local d = first_error(diags)
					if at_compile then
						-- the loader accepts it; only the compiler can refuse it
						assert.same({}, error_lines(diags))
						if not compile then
							pending("needs saker.rules.compile")
							return
						end
						d = first_error(compile(rs))
					end
					assert.is_table(d, "expected an error")
					assert.equal(ITEM[expect.item_type], d.item)
					assert.equal(expect.item_name, d.name)
					if not at_compile then
						assert.equal(expect.code, d.code)
						local diff = DIFFERENCES[c.name]
						if not (diff and diff.what == "message") then
							if expect.message then
								assert.equal(expect.message, d.msg)
							else
								assert.is_truthy(d.msg:find(expect.message_contains, 1, true), d.msg)
							end
						end
					end
					assert.is_string(d.file)
				end)
			else
				it(label .. " loads like Falco", function()
					local rs, diags = load.ruleset(paths(files))
					assert.same({}, error_lines(diags))
					if compile then
						assert.same({}, error_lines(compile(rs)))
					end
				end)
			end
			for _, ok in ipairs(list(c.validate_ok) or {}) do
				it(label .. ": " .. ok .. " alone loads", function()
					local _, diags = load.ruleset({ FALCO .. "/rules/" .. ok })
					assert.same({}, error_lines(diags))
				end)
			end
		end
	end
end)
