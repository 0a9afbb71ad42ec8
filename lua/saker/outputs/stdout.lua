-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.stdout: alerts on standard output, text or JSON lines
-- (stdout_output.enabled, json_output, buffered_outputs, -U).
local alert = require("saker.alert")

local M = {}

function M.enabled(cfg)
	return not (cfg.stdout_output and cfg.stdout_output.enabled == false)
end

local Ch = {}
Ch.__index = Ch

function M.open(cfg, opts)
	local unbuffered = opts.unbuffered or not cfg.buffered_outputs
	return setmetatable({ cfg = cfg, unbuffered = unbuffered, out = io.stdout }, Ch)
end

function Ch:emit(a)
	local line = self.cfg.json_output and alert.json(a, self.cfg) or alert.text(a, self.cfg)
	self.out:write(line, "\n")
	if self.unbuffered then self.out:flush() end
end

function Ch:flush() self.out:flush() end
Ch.close = Ch.flush

return M
