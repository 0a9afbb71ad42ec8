-- SPDX-License-Identifier: Apache-2.0
-- saker.fs: a whole file's text, the one way the Lua side reads files.
local M = {}

-- The text of path, or nil and the reason.
function M.read(path)
	local f, err = io.open(path, "rb")
	if not f then return nil, err end
	local s, rerr = f:read("*a")
	f:close()
	if not s then return nil, rerr end
	return s
end

return M
