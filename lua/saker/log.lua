-- SPDX-License-Identifier: Apache-2.0
-- saker.log: the agent's own messages (not alerts), with Falco's log_level
-- names, on stderr (log_stderr) and syslog-free for now.
local M = {}

local levels = { emergency = 0, alert = 1, critical = 2, error = 3, warning = 4,
	notice = 5, info = 6, informational = 6, debug = 7 }
local threshold = levels.info
local to_stderr = true

function M.setup(cfg)
	threshold = levels[tostring(cfg.log_level or "info"):lower()] or levels.info
	to_stderr = cfg.log_stderr ~= false
end

local function emit(level, name, fmt, ...)
	if level > threshold or not to_stderr then return end
	local msg = select("#", ...) > 0 and fmt:format(...) or fmt
	io.stderr:write(os.date("%a %b %d %H:%M:%S %Y"), ": ", name, ": ", msg, "\n")
end

function M.error(fmt, ...) emit(levels.error, "error", fmt, ...) end
function M.warning(fmt, ...) emit(levels.warning, "warning", fmt, ...) end
function M.notice(fmt, ...) emit(levels.notice, "notice", fmt, ...) end
function M.info(fmt, ...) emit(levels.info, "info", fmt, ...) end
function M.debug(fmt, ...) emit(levels.debug, "debug", fmt, ...) end

return M
