-- SPDX-License-Identifier: Apache-2.0
-- saker.json: a small JSON encoder for alerts (off the hot path). Keys of
-- objects (string keys) are written sorted, as Falco's JSON output has them;
-- 64-bit cdata integers are written exactly; json.null is written as null.
local ffi = require("ffi")

local M = {}

local concat, format, byte, gsub, sort = table.concat, string.format, string.byte, string.gsub, table.sort
local type, tostring, pairs, floor = type, tostring, pairs, math.floor

M.null = setmetatable({}, { __tostring = function() return "null" end })

local escapes = {
	['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
	["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}
local function escape_char(c)
	return escapes[c] or format("\\u%04x", byte(c))
end

local function str(s)
	return '"' .. gsub(s, '[%c"\\]', escape_char) .. '"'
end
M.string = str

local int64_t, uint64_t = ffi.typeof("int64_t"), ffi.typeof("uint64_t")

local encode

local function is_array(t)
	local n = #t
	if n == 0 then return next(t) == nil and getmetatable(t) == M.array_mt end
	for k in pairs(t) do
		if type(k) ~= "number" or k < 1 or k > n or floor(k) ~= k then return false end
	end
	return true
end

M.array_mt = {}
-- An empty table that encodes as [] rather than {}.
function M.array(t) return setmetatable(t or {}, M.array_mt) end

function encode(v, out)
	local t = type(v)
	if t == "string" then
		out[#out + 1] = str(v)
	elseif t == "number" then
		if v ~= v or v == math.huge or v == -math.huge then
			out[#out + 1] = "null"
		elseif floor(v) == v and v > -2^53 and v < 2^53 then
			out[#out + 1] = format("%d", v)
		else -- the shortest form that reads back as the same number
			local short = format("%.15g", v)
			out[#out + 1] = tonumber(short) == v and short or format("%.17g", v)
		end
	elseif t == "boolean" then
		out[#out + 1] = v and "true" or "false"
	elseif t == "nil" or v == M.null then
		out[#out + 1] = "null"
	elseif t == "cdata" and (ffi.istype(int64_t, v) or ffi.istype(uint64_t, v)) then
		out[#out + 1] = (tostring(v):gsub("U?LL$", ""))
	elseif t == "table" then
		if is_array(v) then
			out[#out + 1] = "["
			for i = 1, #v do
				if i > 1 then out[#out + 1] = "," end
				encode(v[i], out)
			end
			out[#out + 1] = "]"
		else
			local keys = {}
			for k in pairs(v) do keys[#keys + 1] = tostring(k) end
			sort(keys)
			out[#out + 1] = "{"
			for i, k in ipairs(keys) do
				if i > 1 then out[#out + 1] = "," end
				out[#out + 1] = str(k)
				out[#out + 1] = ":"
				encode(v[k], out)
			end
			out[#out + 1] = "}"
		end
	else
		error("json: cannot encode a " .. t)
	end
end

function M.encode(v)
	local out = {}
	encode(v, out)
	return concat(out)
end

return M
