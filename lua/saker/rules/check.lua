-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.check: expanded tree -> the same tree, checked and annotated.
--
-- Every field reference F gains
--   F.h     the bound handle (saker_field_bind)
--   F.type  the value type after its transformers (enum saker_ftype)
--   F.list  true for multi-valued fields (any-match semantics)
--   F.xk    { SAKER_XF_* kinds } in application order
-- and every cmp node gains n.class, the family of its test:
--   "str" (STR, PATH, BYTES), "num" (INT, UINT, PORT, times), "bool", "ip"
-- and its constants converted for that class:
--   n.const = string | number | { addr =, bits = } | true/false  (single value)
--   n.consts = { ... }                                            (in/intersects/pmatch)
-- Errors are raised as { msg =, pos =, src =, unknown_field = bool }.
local core = require("saker.core")
local ffi = core.ffi
local C = core.C
local bit = require("bit")

local M = {}

local FT = {
	[1] = "str", [2] = "str", [11] = "str",
	[3] = "num", [4] = "num", [8] = "num", [9] = "num", [10] = "num",
	[5] = "bool", [6] = "ip", [7] = "ip",
}
M.class_of = FT

local TYPE_NAMES = { "string", "path", "int", "uint", "bool", "ipaddr", "ipnet", "port",
	"abstime", "reltime", "bytes" }

local OPS = {
	str = { ["="] = 1, ["!="] = 1, contains = 1, icontains = 1, bcontains = 1, startswith = 1,
		bstartswith = 1, endswith = 1, glob = 1, iglob = 1, regex = 1, ["in"] = 1,
		intersects = 1, pmatch = 1, exists = 1 },
	num = { ["="] = 1, ["!="] = 1, ["<"] = 1, ["<="] = 1, [">"] = 1, [">="] = 1, ["in"] = 1,
		intersects = 1, exists = 1 },
	bool = { ["="] = 1, ["!="] = 1, ["in"] = 1, intersects = 1, exists = 1 },
	ip = { ["="] = 1, ["!="] = 1, ["in"] = 1, intersects = 1, exists = 1 },
}

local XF = { tolower = C.SAKER_XF_TOLOWER, toupper = C.SAKER_XF_TOUPPER, b64 = C.SAKER_XF_B64,
	basename = C.SAKER_XF_BASENAME, len = C.SAKER_XF_LEN }

local function fail(msg, node, src, extra)
	local e = { msg = msg, pos = node and node.pos or 0, src = src }
	if extra then for k, v in pairs(extra) do e[k] = v end end
	error(e, 0)
end

-- ---- constants ------------------------------------------------------------

local function hex_bytes(s)
	if #s % 2 ~= 0 or not s:match("^%x*$") then return nil end
	return (s:gsub("%x%x", function(h) return string.char(tonumber(h, 16)) end))
end

local function to_number(s)
	if s:match("^%-?%d+$") then return tonumber(s) end
	if s:match("^0[xX]%x+$") then return tonumber(s:sub(3), 16) end
	return nil
end

pcall(ffi.cdef, "int inet_pton(int af, const char *src, void *dst);")
local ipbuf = ffi.new("uint8_t[16]")

local function to_ip(s)
	local a, bits = s:match("^([^/]+)/(%d+)$")
	a = a or s
	local n
	if ffi.C.inet_pton(2, a, ipbuf) == 1 then
		n = 4
	elseif ffi.C.inet_pton(10, a, ipbuf) == 1 then
		n = 16
	else
		return nil
	end
	bits = bits and tonumber(bits) or n * 8
	if bits > n * 8 then return nil end
	return { addr = ffi.string(ipbuf, n), bits = bits }
end
M.to_ip = to_ip

local function convert(class, op, v, node, src, fname)
	if class == "str" then
		if op == "bcontains" or op == "bstartswith" then
			local b = hex_bytes(v)
			if not b then fail("'" .. v .. "' is not a hex string for " .. op, node, src) end
			return b
		end
		return v
	elseif class == "num" then
		local x = to_number(v)
		if not x then fail("'" .. v .. "' is not a number, as field " .. fname .. " needs", node, src) end
		return x
	elseif class == "bool" then
		local l = v:lower()
		if l == "true" or l == "1" then return true end
		if l == "false" or l == "0" then return false end
		fail("'" .. v .. "' is not a boolean, as field " .. fname .. " needs", node, src)
	else
		local ip = to_ip(v)
		if not ip then fail("'" .. v .. "' is not an IP address or network", node, src) end
		return ip
	end
end

-- ---- fields ---------------------------------------------------------------

local Checker = {}
Checker.__index = Checker

-- s: the saker context (bindings are made on it).
function M.new(s)
	return setmetatable({ s = s, err = ffi.new("char[256]") }, Checker)
end

function Checker:field(F, src)
	local ref = F.arg and (F.name .. "[" .. F.arg .. "]") or F.name
	local id = C.saker_field_find(ref)
	if id < 0 then
		fail("unknown field '" .. ref .. "'", F, src, { unknown_field = true, field = ref })
	end
	local info = C.saker_field_info(id)
	local h = C.saker_field_bind(self.s, ref, nil, self.err, 256)
	if h < 0 then fail(ffi.string(self.err), F, src) end
	local flags = info.flags
	local indexed = F.arg ~= nil and bit.band(flags, C.SAKER_FF_ARG_INDEX) ~= 0
	local t = tonumber(info.type)
	F.h = tonumber(h)
	F.list = bit.band(flags, C.SAKER_FF_LIST) ~= 0 and not indexed
	F.xk = {}
	for i, x in ipairs(F.xf) do
		if FT[t] ~= "str" then
			fail(x .. "() needs a string, and " .. ref .. " is " .. (TYPE_NAMES[t] or "?"), F, src)
		end
		F.xk[i] = XF[x]
		if x == "len" then t = C.SAKER_FT_UINT elseif x ~= "basename" then t = C.SAKER_FT_STR end
	end
	F.type = t
	if not FT[t] then fail("field " .. ref .. " has no comparable type", F, src) end
	return F
end

function Checker:cmp(n)
	local src = n.src
	local F = self:field(n.field, src)
	local class = FT[F.type]
	n.class = class
	if not OPS[class][n.op] then
		fail(string.format("operator '%s' cannot be used with field %s (%s)", n.op, F.text,
			TYPE_NAMES[F.type]), n, src)
	end
	if n.op == "exists" then return end
	if n.values then
		local consts = {}
		for i, v in ipairs(n.values) do
			if v.k ~= "val" then fail("val() cannot be used in a list", v, src) end
			consts[i] = convert(class, n.op, v.v, v, src, F.text)
		end
		n.consts = consts
	elseif n.value.k == "field" then
		local R = self:field(n.value.field, src)
		if FT[R.type] ~= class or R.list then
			fail(string.format("val(%s) cannot be compared with %s: types differ", R.text, F.text),
				n.value, src)
		end
		if n.op == "regex" or n.op == "glob" or n.op == "iglob" or n.op == "bcontains"
			or n.op == "bstartswith" then
			fail("operator '" .. n.op .. "' needs a constant, not val()", n.value, src)
		end
		n.rhs = R
	else
		n.const = convert(class, n.op, n.value.v, n.value, src, F.text)
	end
end

function Checker:node(n)
	if n.k == "and" or n.k == "or" then
		for _, a in ipairs(n.args) do self:node(a) end
	elseif n.k == "not" then
		self:node(n.arg)
	else
		self:cmp(n)
	end
end

-- Check and annotate `tree` in place (raises on the first error).
function Checker:tree(tree)
	self:node(tree)
	return tree
end

return M
