-- SPDX-License-Identifier: Apache-2.0
-- Hot reload cost: the whole upstream ruleset (stable + incubating +
-- sandbox) reloaded 20 times through the runtime's reload path on one
-- context, as SIGHUP does. A reload builds in slices between which the
-- engine goes on with the old rules: the longest slice is the longest
-- pause in event processing.
-- Run from the repository root: luajit tests/bench/reload_bench.lua
package.path = "lua/?.lua;lua/?/init.lua;" .. package.path
require("saker.jit").setup()
local core = require("saker.core")
local config = require("saker.config")
local runtime = require("saker.runtime")
local clock = require("saker.clock")

local DIR = core.home .. "/../shared/upstream-rules/"
local paths = { DIR .. "falco_rules.yaml", DIR .. "falco-incubating_rules.yaml",
	DIR .. "falco-sandbox_rules.yaml" }

local s = assert(core.open({ live = false }))
local cfg = assert(config.load(nil, { "stdout_output.enabled=false", "log_level=error" }))
require("saker.log").setup(cfg)
local t0 = clock.ms()
local rt = assert(runtime.new({ s = s, cfg = cfg, rule_paths = paths,
	overrides = { "stdout_output.enabled=false", "log_level=error" } }))
local first = clock.ms() - t0

local times, slices = {}, {}
for i = 1, 20 do
	local t = clock.ms()
	assert(rt:reload("bench"))
	times[i] = clock.ms() - t
	slices[i] = rt.longest_slice
end
table.sort(times)
table.sort(slices)
print(string.format("hot reload of %d upstream rules: first load %d ms; 20 reloads: median %d ms, max %d ms;"
	.. " longest pause in event processing (a build slice): %d ms", #rt.rules, first, times[10], times[20],
	slices[20]))
rt:close()
