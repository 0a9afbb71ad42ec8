-- SPDX-License-Identifier: Apache-2.0
-- saker.config: defaults, the file, -o overrides, types and locations.
local config = require("saker.config")

local tmpfile = require("tmpfile")
local tmp = tmpfile.write

local find = tmpfile.find

describe("saker.config", function()
	teardown(tmpfile.cleanup)

	it("has Falco's defaults", function()
		local cfg, diags = config.load(nil, nil)
		assert.same({}, diags)
		assert.same({ config.home .. "/rules" }, cfg.rules_files)
		assert.is_false(cfg.json_output)
		assert.is_true(cfg.json_include_output_property)
		assert.is_true(cfg.json_include_tags_property)
		assert.is_true(cfg.json_include_output_fields_property)
		assert.is_false(cfg.time_format_iso_8601)
		assert.is_false(cfg.buffered_outputs)
		assert.equal("all", cfg.rule_matching)
		assert.is_true(cfg.watch_config_files)
		assert.equal("info", cfg.log_level)
		assert.is_true(cfg.log_stderr)
		assert.is_true(cfg.stdout_output.enabled)
		assert.is_false(cfg.file_output.enabled)
		assert.is_false(cfg.program_output.keep_alive)
		assert.is_false(cfg.http_output.enabled)
		assert.is_false(cfg.grpc.enabled)
		assert.equal(0.1, cfg.syscall_event_drops.threshold)
		assert.same({ "log", "alert" }, cfg.syscall_event_drops.actions)
		assert.equal(8765, cfg.webserver.listen_port)
		assert.is_true(cfg.webserver.enabled)
		assert.equal("/healthz", cfg.webserver.k8s_healthz_endpoint)
		assert.is_false(cfg.metrics.enabled)
		assert.equal("1h", cfg.metrics.interval)
		assert.is_true(cfg.metrics.output_rule)
		assert.equal("Debug", config.priority(cfg))
		-- each load gets its own tables
		cfg.rules_files[1] = "changed"
		assert.same({ config.home .. "/rules" }, config.load().rules_files)
	end)

	it("merges a falco.yaml-style file over the defaults", function()
		local path = tmp([[
rules_file:
  - /etc/saker/rules.yaml
  - /etc/saker/rules.d
priority: warning
json_output: true
file_output:
  enabled: yes
  keep_alive: false
  filename: /tmp/events.txt
program_output:
  enabled: true
  program: 1234
http_output:
  enabled: true
  url: http://127.0.0.1:2801/
syscall_event_drops:
  actions:
    - ignore
webserver:
  listen_port: 9000
rules:
  - disable:
      rule: "*"
  - enable:
      tag: network
]])
		local cfg, diags = config.load(path)
		assert.same({}, diags)
		assert.same({ "/etc/saker/rules.yaml", "/etc/saker/rules.d" }, cfg.rules_files)
		assert.equal("Warning", config.priority(cfg))
		assert.is_true(cfg.json_output)
		assert.is_true(cfg.file_output.enabled)
		assert.equal("/tmp/events.txt", cfg.file_output.filename)
		assert.equal("1234", cfg.program_output.program)
		assert.equal("http://127.0.0.1:2801/", cfg.http_output.url)
		assert.is_false(cfg.http_output.insecure)
		assert.same({ "ignore" }, cfg.syscall_event_drops.actions)
		assert.equal(9000, cfg.webserver.listen_port)
		assert.equal("0.0.0.0", cfg.webserver.listen_address)
		assert.same({ { disable = { rule = "*" } }, { enable = { tag = "network" } } }, cfg.rules)
	end)

	it("locates a type mismatch at file:line:col", function()
		local path = tmp("json_output: true\nfile_output:\n  enabled: sometimes\n")
		local cfg, diags = config.load(path)
		assert.is_nil(cfg)
		local d = assert(find(diags, "CONFIG_TYPE"))
		assert.same({ path, 3, 12 }, { d.file, d.line, d.col })
		assert.equal(path .. ":3:12: error: Key 'file_output.enabled' must be a boolean",
			config.format_diag(d))
		local cfg2, d2 = config.load(tmp("webserver:\n  listen_port: [1]\n"))
		assert.is_nil(cfg2)
		assert.matches("must be a number", d2[1].msg)
		local cfg3, d3 = config.load(tmp("stdout_output: true\n"))
		assert.is_nil(cfg3)
		assert.matches("must be a mapping", d3[1].msg)
	end)

	it("locates bad YAML", function()
		local path = tmp("a: [1,\nb: c: d\n")
		local cfg, diags = config.load(path)
		assert.is_nil(cfg)
		assert.equal("CONFIG_YAML_PARSE", diags[1].code)
		assert.equal(path, diags[1].file)
		assert.is_number(diags[1].line)
	end)

	it("warns about unknown keys and keeps them", function()
		local path = tmp("plugins: []\nfile_output:\n  colour: red\n")
		local cfg, diags = config.load(path)
		assert.is_table(cfg)
		assert.equal(2, #diags)
		assert.equal("warning", diags[1].level)
		assert.same({ 1, 1 }, { diags[1].line, diags[1].col })
		assert.equal("red", cfg.file_output.colour)
		assert.same({}, cfg.plugins)
	end)

	it("applies -o overrides after the file, typed as YAML", function()
		local path = tmp("json_output: true\nrules_files: [/a]\n")
		local cfg, diags = config.load(path, {
			"json_output=false",
			"file_output.enabled=true",
			"file_output.filename=/tmp/x y.txt",
			"webserver.listen_port=8080",
			"rules_files[]=/b",
			"rules_files[0]=/z",
			"syscall_event_drops.actions=[log, exit]",
			"metrics.interval=5",
			"saker.anything=1",
		})
		assert.same({}, diags)
		assert.is_false(cfg.json_output)
		assert.is_true(cfg.file_output.enabled)
		assert.equal("/tmp/x y.txt", cfg.file_output.filename)
		assert.equal(8080, cfg.webserver.listen_port)
		assert.same({ "/z", "/b" }, cfg.rules_files)
		assert.same({ "log", "exit" }, cfg.syscall_event_drops.actions)
		assert.equal("5", cfg.metrics.interval)
		assert.equal(1, cfg.saker.anything)
	end)

	it("refuses bad -o options", function()
		local cfg, diags = config.load(nil, { "json_output=perhaps" })
		assert.is_nil(cfg)
		assert.equal("CONFIG_TYPE", diags[1].code)
		assert.equal("-o", diags[1].file)
		assert.matches("json_output=perhaps", diags[1].msg, 1, true)
		local cfg2, d2 = config.load(nil, { "no-equals-sign" })
		assert.is_nil(cfg2)
		assert.equal("CONFIG_OPTION", d2[1].code)
		local cfg3, d3 = config.load(nil, { "new_key.sub=1" })
		assert.is_table(cfg3)
		assert.equal("CONFIG_UNKNOWN_KEY", d3[1].code)
		assert.equal(1, cfg3.new_key.sub)
	end)

	it("checks values, not only types", function()
		local cases = {
			{ "priority=loud", "Invalid priority" },
			{ "rule_matching=some", "rule_matching" },
			{ "log_level=chatty", "log_level" },
			{ "syscall_event_drops.threshold=1.5", "threshold must be a double in the range" },
			{ "syscall_event_drops.actions=[ignore, log]", "ignore" },
			{ "syscall_event_drops.actions=[shout]", "Unknown syscall event drop action" },
			{ "rules=[{enable: 5}]", "'rules' entry" },
			{ "webserver.k8s_healthz_endpoint=healthz", "must be a path starting with /" },
			{ "webserver.listen_port=70000", "is not a port" },
			{ "webserver.ssl_enabled=true", "cannot read ssl_certificate" },
			{ "engine.kind=replay", "engine.replay.capture_file is empty" },
			{ "engine.kind=gvisor", "engine.kind 'gvisor' is not supported" },
			{ "capture.mode=sometimes", "capture.mode must be 'rules' or 'all_rules'" },
			{ "capture.default_duration=0", "capture.default_duration must be a positive" },
			{ "capture.path_prefix=", "capture.path_prefix must not be empty" },
		}
		for _, c in ipairs(cases) do
			local cfg, diags = config.load(nil, { c[1] })
			assert.is_nil(cfg, c[1])
			assert.equal("CONFIG_VALUE", diags[1].code, c[1])
			assert.matches(c[2], diags[1].msg, 1, true)
		end
	end)

	it("checks metrics.interval as Falco writes durations", function()
		local metrics = require("saker.metrics")
		assert.equal(900000, metrics.interval_ms("15m"))
		assert.equal(5400000, metrics.interval_ms("1h30m"))
		assert.equal(500, metrics.interval_ms("500ms"))
		assert.is_nil(metrics.interval_ms("15"))
		assert.is_nil(metrics.interval_ms("5x"))
		local cfg, diags = config.load(nil, { "metrics.enabled=true", "metrics.interval=soon" })
		assert.is_nil(cfg)
		assert.matches("metrics.interval 'soon' is not a duration", diags[1].msg, 1, true)
		cfg = config.load(nil, { "metrics.enabled=true", "metrics.interval=50ms" })
		assert.is_nil(cfg)
		assert.is_table(config.load(nil, { "metrics.enabled=true", "metrics.interval=30s" }))
	end)

	it("expands ${VAR} in values, as falco.yaml does; $${VAR} stays literal", function()
		local path = tmp("program_output:\n  program: \"mail ${HOME} $${HOME} ${SAKER_NO_SUCH_VAR}x\"\n")
		local cfg = assert(config.load(path))
		assert.equal("mail " .. os.getenv("HOME") .. " ${HOME} x", cfg.program_output.program)
	end)

	it("checks append_output entries", function()
		assert.is_table(config.load(nil, { "append_output=[{match: {tags: [a]}, extra_output: '%proc.name', "
			.. "extra_fields: [evt.cpu, {k: v}]}]" }))
		local cases = {
			{ "append_output=[{extra_fields: [no.such_field]}]", "unknown field 'no.such_field'" },
			{ "append_output=[{extra_output: 'x %no.field'}]", "unknown field 'no.field'" },
			{ "append_output=[{match: {tags: a}}]", "match takes source" },
			{ "append_output=[5]", "must be a mapping" },
		}
		for _, c in ipairs(cases) do
			local cfg, diags = config.load(nil, { c[1] })
			assert.is_nil(cfg, c[1])
			assert.matches(c[2], diags[1].msg, 1, true)
		end
	end)

	it("merges config_files after the main file: append, override and add-only", function()
		local dir = os.tmpname()
		os.remove(dir)
		os.execute("mkdir -p " .. dir .. "/conf.d")
		local function put(name, text)
			local f = assert(io.open(dir .. "/" .. name, "w"))
			f:write(text)
			f:close()
		end
		put("conf.d/20-b.yaml", "rules_files: [/b]\n")
		put("conf.d/10-a.yaml", "json_output: true\nrules_files: [/a]\nconfig_files: [/not/followed]\n")
		put("over.yaml", "rules_files: [/o]\n")
		put("late.yaml", "priority: debug\nlog_level: warning\n")
		put("main.yaml", "priority: notice\nrules_files: [/main]\nconfig_files:\n  - " .. dir .. "/conf.d\n"
			.. "  - {path: " .. dir .. "/late.yaml, strategy: add-only}\n")
		local cfg, diags = config.load(dir .. "/main.yaml")
		assert.same({}, diags)
		assert.is_true(cfg.json_output)                           -- scalars: the later file
		assert.same({ "/main", "/a", "/b" }, cfg.rules_files)      -- lists: appended, files in name order
		assert.equal("notice", cfg.priority)                      -- add-only: set before, kept
		assert.equal("warning", cfg.log_level)                    -- add-only: not set before, added
		assert.same({ dir .. "/main.yaml", dir .. "/conf.d/10-a.yaml", dir .. "/conf.d/20-b.yaml",
			dir .. "/late.yaml" }, config.files(cfg))
		put("main.yaml", "rules_files: [/main]\nconfig_files: [{path: " .. dir .. "/over.yaml, strategy: override}]\n")
		assert.same({ "/o" }, config.load(dir .. "/main.yaml").rules_files)
		put("main.yaml", "config_files: [{path: x, strategy: sometimes}]\n")
		local bad, bdiags = config.load(dir .. "/main.yaml")
		assert.is_nil(bad)
		assert.matches("strategy: append|override|add-only", bdiags[1].msg, 1, true)
		os.execute("rm -rf " .. dir)
	end)

	it("says which falco.yaml keys saker does not use, and why", function()
		local path = tmp("load_plugins: [json]\noutputs:\n  rate: 1\nnot_a_key: 1\n")
		local cfg, diags = config.load(path)
		assert.is_table(cfg)
		assert.equal(3, #diags)
		assert.matches("'load_plugins' is a Falco key saker does not use (Falco's native", diags[1].msg, 1, true)
		assert.matches("'outputs.rate' is a Falco key saker does not use", diags[2].msg, 1, true)
		assert.equal("Unknown configuration key 'not_a_key'", diags[3].msg)
	end)

	it("reports a missing file", function()
		local cfg, diags = config.load("/nonexistent/saker.yaml")
		assert.is_nil(cfg)
		assert.equal("CONFIG_READ", diags[1].code)
	end)
end)
