-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.host: runs inside a plugin's own Lua state (core/
-- out_plugin.c), on the plugin's thread. start() loads the plugin file and
-- checks its config against its schema; emit(line) decodes the JSON alert
-- and hands the table to the plugin. Errors raised here (or by the plugin)
-- are caught, counted and reported by the C side.
--
-- A plugin file returns a table:
--   schema = { key = { type = "string"|"number"|"boolean"|"table",
--                      default = v, required = bool }, ... }  (optional)
--   init(config)     the config, checked and with defaults filled
--   emit(alert)      the alert as a table, keyed like the JSON alert
--   flush()          optional: called when alerts pause, and at least
--                    once a second while they flow
--   close()          optional: at shutdown
local json = require("dkjson")
local null = require("saker.json").null -- output fields without a value stay null

local M = {}

local plugin

-- Check cfg against schema; returns the config to hand to init.
function M.check(schema, cfg, name)
	local out = {}
	for k, v in pairs(cfg) do
		if schema[k] == nil then error(string.format("%s: unknown config key '%s'", name, k), 0) end
		out[k] = v
	end
	for k, s in pairs(schema) do
		local v = out[k]
		if v == nil then v = s.default end
		if v == nil and s.required then
			error(string.format("%s: config key '%s' is required", name, k), 0)
		end
		if v ~= nil and s.type and type(v) ~= s.type then
			error(string.format("%s: config key '%s' must be a %s, not a %s", name, k, s.type,
				type(v)), 0)
		end
		out[k] = v
	end
	return out
end

-- Load the plugin at path and initialise it with its config (JSON text).
function M.load(path, name, config_json)
	local chunk, err = loadfile(path)
	if not chunk then error(err, 0) end
	local p = chunk()
	if type(p) ~= "table" or type(p.emit) ~= "function" then
		error(string.format("%s: %s does not return a table with an emit function", name, path), 0)
	end
	local cfg = {}
	if config_json and config_json ~= "" then
		local derr
		cfg, _, derr = json.decode(config_json, 1, nil)
		if derr or type(cfg) ~= "table" then error(name .. ": bad config: " .. tostring(derr), 0) end
	end
	cfg = M.check(p.schema or {}, cfg, name)
	if p.init then p.init(cfg) end
	return p
end

function M.start(path, name, config_json)
	plugin = M.load(path, name, config_json)
end

function M.emit(line)
	local a, _, err = json.decode(line, 1, null)
	if err then error("bad alert JSON: " .. err, 0) end
	plugin.emit(a)
end

function M.flush()
	if plugin.flush then plugin.flush() end
end

function M.close()
	if plugin.close then plugin.close() end
end

return M
