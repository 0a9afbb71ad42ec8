-- SPDX-License-Identifier: Apache-2.0
-- jsonl_rotate: alerts as JSON lines in a file that is rotated by size:
-- when the next line would take it past max_bytes, path.(n-1) becomes
-- path.n, ..., path becomes path.1, and a new path is started; at most
-- max_files old files are kept.
local helpers = require("saker.outputs.helpers")

local P = {}

P.schema = {
	path = { type = "string", required = true },
	max_bytes = { type = "number", default = 10 * 1024 * 1024 },
	max_files = { type = "number", default = 5 },
}

local cfg, f, size

local function open()
	local err
	f, err = io.open(cfg.path, "ab")
	if not f then error("jsonl_rotate: " .. tostring(err), 0) end
	size = f:seek("end")
end

local function rotate()
	f:close()
	f = nil
	os.remove(cfg.path .. "." .. cfg.max_files)
	for i = cfg.max_files - 1, 1, -1 do
		os.rename(cfg.path .. "." .. i, cfg.path .. "." .. (i + 1))
	end
	if cfg.max_files > 0 then os.rename(cfg.path, cfg.path .. ".1") else os.remove(cfg.path) end
	open()
end

function P.init(c)
	if c.max_bytes <= 0 or c.max_files < 0 then
		error("jsonl_rotate: max_bytes must be > 0 and max_files >= 0", 0)
	end
	cfg = c
	open()
end

function P.emit(a)
	local line = helpers.json_encode(a) .. "\n"
	if not f then open() end
	if size > 0 and size + #line > cfg.max_bytes then rotate() end
	local ok, err = f:write(line)
	if not ok then error("jsonl_rotate: " .. tostring(err), 0) end
	size = size + #line
end

function P.flush()
	if f then f:flush() end
end

function P.close()
	if f then f:close() end
	f = nil
end

return P
