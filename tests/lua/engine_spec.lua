-- SPDX-License-Identifier: Apache-2.0
-- The engine loop on injected events: every matching rule alerts in rule
-- order (rule_matching all), only the first with rule_matching first, the
-- alert carries the event's time and Falco's JSON shape, and tick stops it.
local core = require("saker.core")
local load = require("saker.rules.load")
local compile = require("saker.rules.compile")
local engine = require("saker.engine")
local alert = require("saker.alert")
local json = require("dkjson")
local evb = require("evbuild")

local C = core.C

local RULES = [[
- rule: second in file
  desc: opens of the secret
  condition: evt.type = openat and fd.name = /srv/secret
  output: opened %fd.name by %proc.name (gp=%proc.aname[2])
  priority: WARNING
  tags: [zeta, alpha]
- rule: first match
  desc: anything cat opens
  condition: evt.type = openat and proc.name = cat
  output: cat opened %fd.name
  priority: NOTICE
- rule: never
  desc: no event has this name
  condition: evt.type = openat and fd.name = /nowhere
  output: never
  priority: ERROR
]]

-- A channel set that keeps what it is given.
local function collector()
	local c = { alerts = {} }
	function c:emit(a) self.alerts[#self.alerts + 1] = a end
	function c:flush() end
	return c
end

local function run(rule_matching)
	local dir = os.tmpname()
	local f = assert(io.open(dir, "w"))
	f:write(RULES)
	f:close()
	local s = assert(core.open({ live = false }))
	local rs, diags = load.ruleset({ dir })
	os.remove(dir)
	assert(not load.has_errors(diags))
	local compiled = assert(compile.ruleset(rs, s, { rule_matching = rule_matching }))
	evb.exec(s, { tid = 10, ptid = 1, comm = "bash" })
	evb.exec(s, { tid = 20, ptid = 10, comm = "cat", args = { "/srv/secret" } })
	for _, name in ipairs({ "/srv/secret", "/etc/motd" }) do
		local raw = evb.event({ name = "openat", tid = 20, ts = 1700000000123456789ULL, params = {
			fd = 3, dirfd = -100, name = name, flags = 1, mode = 0, dev = 0, ino = 0 } })
		C.saker_inject(s, raw, #raw, 0)
	end
	local out = collector()
	local rt = { eval = compiled.eval, rules = compiled.rules, outs = out, first = rule_matching == "first",
		matches = {} }
	-- the queue drained, the loop idles and asks tick: stop there
	local why = engine.run(s, rt, function() return "drained" end)
	return out.alerts, why, rt.matches
end

describe("engine", function()
	it("alerts for every matching rule, in rule order, and stops when tick says so", function()
		local alerts, why, matches = run("all")
		assert.equal("drained", why)
		assert.same({ ["second in file"] = 1, ["first match"] = 2 }, matches) -- for /metrics
		local names = {}
		for i, a in ipairs(alerts) do names[i] = a.rule end
		assert.same({ "second in file", "first match", "first match" }, names)
		assert.equal("opened /srv/secret by cat (gp=<NA>)", alerts[1].message)
		assert.equal("cat opened /etc/motd", alerts[3].message)
	end)

	it("alerts only for the first matching rule with rule_matching first", function()
		local alerts = run("first")
		local names = {}
		for i, a in ipairs(alerts) do names[i] = a.rule end
		assert.same({ "second in file", "first match" }, names)
	end)

	it("gives alerts Falco's JSON shape and the event's own time", function()
		local a = run("all")[1]
		local cfg = { json_include_output_property = true }
		local j = json.decode(alert.json(a, cfg), 1, json.null)
		assert.equal("2023-11-14T22:13:20.123456789Z", j.time)
		assert.equal("Warning", j.priority)
		assert.equal("second in file", j.rule)
		assert.equal("syscall", j.source)
		assert.same({ "alpha", "zeta" }, j.tags)
		assert.equal(alert.hostname, j.hostname)
		assert.equal("/srv/secret", j.output_fields["fd.name"])
		assert.equal(json.null, j.output_fields["proc.aname[2]"])
		assert.is_truthy(alert.json(a, cfg):find('"evt.time":1700000000123456789', 1, true))
		assert.is_truthy(j.output:match("^%d%d:%d%d:%d%d%.123456789: Warning opened /srv/secret by cat"))
		local keys = {}
		for k in alert.json(a, cfg):gmatch('"([%w_]+)":') do keys[#keys + 1] = k end
		assert.same({ "hostname", "output", "output_fields" }, { keys[1], keys[2], keys[3] })
	end)
end)
