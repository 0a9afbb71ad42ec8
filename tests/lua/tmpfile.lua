-- SPDX-License-Identifier: Apache-2.0
-- Temporary files for specs: write(text) makes one and returns its name;
-- cleanup() removes every file made so far (call it from a teardown).
-- find(diags, code) is the first diagnostic with that code.
local M = {}

local made = {}

function M.write(text)
	local name = os.tmpname()
	local f = assert(io.open(name, "wb"))
	f:write(text)
	f:close()
	made[#made + 1] = name
	return name
end

function M.cleanup()
	for _, f in ipairs(made) do os.remove(f) end
	made = {}
end

function M.find(diags, code)
	for _, d in ipairs(diags) do
		if d.code == code then return d end
	end
end

return M
