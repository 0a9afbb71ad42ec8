-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs: the alert channels. open(cfg) gives a set of channels that
-- each take every alert: emit(alert), flush(), close(). A channel module
-- returns { enabled = function(cfg) -> bool, open = function(cfg, opts) -> ch }.
local M = {}

local channels = { "saker.outputs.stdout" }

local Set = {}
Set.__index = Set

function M.open(cfg, opts)
	local set = setmetatable({ list = {} }, Set)
	for _, name in ipairs(channels) do
		local mod = require(name)
		if mod.enabled(cfg) then set.list[#set.list + 1] = mod.open(cfg, opts or {}) end
	end
	return set
end

function Set:emit(alert)
	local list = self.list
	for i = 1, #list do list[i]:emit(alert) end
end

function Set:flush()
	for _, ch in ipairs(self.list) do
		if ch.flush then ch:flush() end
	end
end

function Set:close()
	for _, ch in ipairs(self.list) do
		if ch.close then ch:close() end
	end
end

return M
