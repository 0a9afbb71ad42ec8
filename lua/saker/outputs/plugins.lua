-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.plugins: the Lua output plugins the config lists
-- (outputs.plugins: [{name, path, config}]), each run by a C channel of
-- kind "plugin" in a Lua state and thread of its own (saker.outputs.host).
-- A plugin's file is `path`, else <outputs.plugins_dir>/<name>.lua.
local alert = require("saker.alert")
local json = require("saker.json")

local M = {}

function M.path(o, entry)
	if entry.path and entry.path ~= "" then return entry.path end
	return (o.plugins_dir or "plugins/outputs") .. "/" .. entry.name .. ".lua"
end

-- Channel descriptions ({kind, opts, format}) for the configured plugins.
function M.list(cfg, embedded)
	local o = cfg.outputs or {}
	local list = {}
	local function format(a) return alert.json(a, cfg) end
	for _, e in ipairs(o.plugins or {}) do
		if e.enabled ~= false then
			list[#list + 1] = { kind = "plugin", format = format, opts = {
				name = e.name, target = M.path(o, e), home = require("saker.config").home,
				embedded = embedded, config_json = json.encode(e.config or {}),
				timeout_ms = o.plugin_timeout_ms, max_failures = o.plugin_max_failures,
				queue_kb = o.queue_kb,
			} }
		end
	end
	return list
end

return M
