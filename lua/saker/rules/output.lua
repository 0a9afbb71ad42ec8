-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.output: a rule's output string -> a formatter.
--
--   output := { literal | "%" ref }
--   ref    := field [ "[" arg "]" ]     field: [A-Za-z0-9_.]+ (a trailing "." is text)
--           | "(" field [ "[" arg "]" ] ")"
--
-- Parsed once at load: pieces = { "literal", { key = "proc.name", h = handle,
-- class = "str"|"num"|"bool"|"ip" }, ... }. format() renders each field with
-- saker_field_render ("<NA>" when missing) and returns the text and the
-- output_fields table: every field keyed as written, plus evt.time, with
-- numbers as Lua numbers, booleans as booleans, missing values as nil (the
-- keys in order are in formatter.keys, so JSON writers can print null).
-- Not the hot path: it runs once per alert.
local core = require("saker.core")
local check = require("saker.rules.check")
local json = require("saker.json")
local ffi = core.ffi
local C = core.C

local M = {}

local RCAP = 8192

-- Parse `text` into pieces; nil, message, offset on error.
function M.parse(text)
	local pieces, i, n, lit = {}, 1, #text, {}
	while i <= n do
		local c = text:sub(i, i)
		local ref, stop, paren
		if c == "%" then
			if text:sub(i + 1, i + 1) == "(" then
				local close = text:find(")", i + 2, true)
				if not close then return nil, "unclosed '%(' in output", i - 1 end
				ref, stop, paren = text:sub(i + 2, close - 1), close + 1, true
			else
				local s, e = text:find("^[%w_.]+", i + 1)
				if s then
					if text:sub(e + 1, e + 1) == "[" then
						local close = text:find("]", e + 2, true)
						if close then e = close end
					end
					ref = text:sub(s, e):gsub("%.+$", "")
					stop = s + #ref
				end
			end
		end
		if ref and ref ~= "" then
			if #lit > 0 then pieces[#pieces + 1] = table.concat(lit); lit = {} end
			pieces[#pieces + 1] = { key = ref, pos = i - 1, paren = paren }
			i = stop
		else
			lit[#lit + 1] = c
			i = i + 1
		end
	end
	if #lit > 0 then pieces[#pieces + 1] = table.concat(lit) end
	return pieces
end

-- Bind every field of `text` on context s. extra (append_output): more
-- output_fields that the text does not show, { name = field } or
-- { name = key, value = fixed text }. Returns the formatter
-- { format = function() -> text, fields, keys = { key, ... } } or nil,
-- message, offset.
function M.compile(s, text, extra)
	local pieces, perr, ppos = M.parse(text or "")
	if not pieces then return nil, perr, ppos end
	local err = ffi.new("char[256]")
	local refs, keys, seen = {}, {}, {}
	local function bind(key, pos)
		if seen[key] then return seen[key] end
		local id = C.saker_field_find(key)
		if id < 0 then return nil, "unknown field '" .. key .. "' in output", pos end
		local h = C.saker_field_bind(s, key, nil, err, 256)
		if h < 0 then return nil, ffi.string(err), pos end
		local info = C.saker_field_info(id)
		local r = { key = key, h = h, class = check.class_of[tonumber(info.type)] }
		seen[key] = r
		refs[#refs + 1] = r
		keys[#keys + 1] = key
		return r
	end
	for _, p in ipairs(pieces) do
		if type(p) == "table" then
			local r, msg, pos = bind(p.key, p.pos)
			if not r then return nil, msg, pos end
			p.ref = r
		end
	end
	local fixed = {}
	for _, x in ipairs(extra or {}) do
		if x.value ~= nil then
			if not seen[x.name] then
				fixed[x.name] = x.value
				keys[#keys + 1] = x.name
				seen[x.name] = true
			end
		else
			local r, msg = bind(x.name, 0)
			if not r then return nil, "append_output: " .. msg, 0 end
		end
	end
	if not seen["evt.time"] and C.saker_field_find("evt.time") >= 0 then bind("evt.time", 0) end

	local BIG = 9007199254740992LL -- 2^53
	local buf = ffi.new("char[?]", RCAP)
	local val = ffi.new("struct saker_val")
	local get, render = C.saker_field_get, C.saker_field_render

	-- Typed values for JSON: numbers exact (int64 cdata past 2^53), missing
	-- values null.
	local function typed(r)
		if get(s, r.h, val) ~= 1 then return json.null end
		if r.class == "num" then
			local n = val.n
			if n > -BIG and n < BIG then return tonumber(n) end
			return ffi.new("int64_t", n)
		end
		if r.class == "bool" then return val.n ~= 0 end
		local len = render(s, r.h, buf, RCAP)
		if len < 0 then return nil end
		return ffi.string(buf, len)
	end

	local function format()
		local out, fields = {}, {}
		for i, p in ipairs(pieces) do
			if type(p) == "string" then
				out[i] = p
			else
				local len = render(s, p.ref.h, buf, RCAP)
				out[i] = len >= 0 and ffi.string(buf, len) or "<NA>"
			end
		end
		for _, r in ipairs(refs) do fields[r.key] = typed(r) end
		for k, v in pairs(fixed) do fields[k] = v end
		return table.concat(out), fields
	end
	return { format = format, keys = keys }
end

return M
