-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.codegen: checked tree -> Lua source -> match function.
--
-- The source of one rule (chunk name "=rule: <name>"):
--
--   local R, V, S, B, XS = ...          -- runtime helpers, values, sets, buffers, transformers
--   local s, get, ... = R.s, R.get, ...  -- helpers hoisted as upvalues
--   local F = {}                         -- parts of very long chains, each
--   F[1] = function() return <expr> end  -- in a function of its own
--   return function()
--     return <expr>
--   end
--
--   expr  := term { "and" term } | term { "or" term } | "not" term | "(" expr ")" | F[j]()
--   term  := fetch "and" test | test
--   fetch := get(s, H, v) == 1                    (H: the bound handle, inlined)
--          | ME[H] > 0                            (get(H) surely ran before here)
--          | xget(H, v, XS[i], B[i])              (field with transformers)
--   test  := (MV[H].len==3 and memcmp(MV[H].s,"cat",3)==0) | (MV[H].n<42)
--          | (m_set(S[j],MV[H].s,MV[H].len)~=0) | ip_eq(v, ...) | ...
--                                                 (tests written out where short)
--   list fields: any(H, v, XS[i], B[i], neg, test, a, b, c)   (any value matches)
--
-- v is the one preallocated struct saker_val every field is read into (w:
-- the field on the right of val()); tests are sequential, so one is enough,
-- and a trace then keeps one constant pointer instead of a value per test.
-- Tests written out read the value where saker_field_get memoises it for
-- the event, MV[H] (struct saker_memo): a read of H that an earlier one on
-- every path to it settled needs no FFI call, only ME[H]>0 (present) or
-- nothing when that one passed; and the JIT forwards repeated loads.
-- String constants are Lua literals (FFI passes them to memcmp without a
-- copy); sets, regexes and number sets live in S. Nothing here allocates
-- per event.
local core = require("saker.core")
local ffi = core.ffi
local C = core.C

local M = {}

M.MAX_DEPTH = 150
local XBUF = 4096
local CHUNK = 4000 -- characters of expression per generated function

local fmt, concat = string.format, table.concat

-- ---- runtime: helpers bound to one context ------------------------------

function M.runtime(s)
	local get, at, xform = C.saker_field_get, C.saker_field_at, C.saker_xform
	local memcmp = ffi.C.memcmp
	local m_contains, m_icontains = C.saker_match_contains, C.saker_match_icontains
	local m_endswith, m_glob = C.saker_match_endswith, C.saker_match_glob
	local m_regex, m_set, m_ipnet = C.saker_regex_match, C.saker_strset_has, C.saker_match_ipnet
	local memo = ffi.new("struct saker_memo")
	assert(C.saker_field_memo(s, memo) == 0, "out of memory")
	local R = { s = s, get = get, at = at, MV = memo.val, ME = memo.evt }

	function R.xget(h, v, xs, buf)
		if get(s, h, v) ~= 1 then return false end
		for i = 1, #xs do
			if xform(xs[i], v, v, buf, XBUF) ~= 1 then return false end
		end
		return true
	end

	-- one value of a list field through its transformers and the test
	local function one(v, xs, buf, neg, test, a, b, c)
		for j = 1, #xs do
			if xform(xs[j], v, v, buf, XBUF) ~= 1 then return false end
		end
		return test(v, a, b, c) ~= neg
	end

	-- Any value of a list field passes. The first values are tried in
	-- straight-line code: a loop here would be an inner loop in the trace
	-- of every rule that uses the field.
	function R.any(h, v, xs, buf, neg, test, a, b, c)
		if at(s, h, 0, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		if at(s, h, 1, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		if at(s, h, 2, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		if at(s, h, 3, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		if at(s, h, 4, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		if at(s, h, 5, v) ~= 1 then return false end
		if one(v, xs, buf, neg, test, a, b, c) then return true end
		local i = 6
		while at(s, h, i, v) == 1 do
			if one(v, xs, buf, neg, test, a, b, c) then return true end
			i = i + 1
		end
		return false
	end

	function R.t_eq(v, k, n) return v.len == n and memcmp(v.s, k, n) == 0 end
	function R.t_contains(v, k, n) return m_contains(v.s, v.len, k, n) ~= 0 end
	function R.t_icontains(v, k, n) return m_icontains(v.s, v.len, k, n) ~= 0 end
	function R.t_startswith(v, k, n) return v.len >= n and memcmp(v.s, k, n) == 0 end
	function R.t_endswith(v, k, n) return m_endswith(v.s, v.len, k, n) ~= 0 end
	function R.t_glob(v, pat, icase) return m_glob(pat, v.s, v.len, icase) ~= 0 end
	function R.t_regex(v, re) return m_regex(re, v.s, v.len) ~= 0 end
	function R.t_set(v, set) return m_set(set, v.s, v.len) ~= 0 end
	function R.n_eq(v, x) return v.n == x end
	function R.n_lt(v, x) return v.n < x end
	function R.n_le(v, x) return v.n <= x end
	function R.n_gt(v, x) return v.n > x end
	function R.n_ge(v, x) return v.n >= x end
	function R.n_in(v, t) return t[tonumber(v.n)] == true end
	function R.b_eq(v, b) return (v.n ~= 0) == b end
	function R.ip_eq(v, k, n, bits) return m_ipnet(v.s, v.len, k, n, bits) ~= 0 end
	function R.ip_in(v, nets)
		for i = 1, #nets do
			local x = nets[i]
			if m_ipnet(v.s, v.len, x.addr, #x.addr, x.bits) ~= 0 then return true end
		end
		return false
	end
	R.memcmp, R.m_contains, R.m_icontains, R.m_endswith = memcmp, m_contains, m_icontains, m_endswith
	R.m_glob, R.m_regex, R.m_set, R.tonumber = m_glob, m_regex, m_set, tonumber
	R.names = { "s", "get", "at", "xget", "any", "memcmp", "m_contains", "m_icontains",
		"m_endswith", "m_glob", "m_regex", "m_set", "tonumber", "t_eq", "t_contains", "t_icontains",
		"t_startswith", "t_endswith", "t_glob", "t_regex", "t_set", "n_eq", "n_lt", "n_le",
		"n_gt", "n_ge", "n_in", "b_eq", "ip_eq", "ip_in", "MV", "ME" }
	return R
end

-- ---- code generation ------------------------------------------------------

local Gen = {}
Gen.__index = Gen

local function q(str) return fmt("%q", str) end

local function num(x)
	if x == math.floor(x) and math.abs(x) < 2 ^ 53 then return fmt("%d", x) end
	return fmt("%.17g", x)
end

-- A constant that must live in S (sets, regexes, number sets, nets); j.
function Gen:keep(obj)
	local S = self.S
	S[#S + 1] = obj
	return #S
end

-- The slot of a field reference: its XS[i] (and B[i] with transformers).
function Gen:slot(F)
	local i = self.n + 1
	self.n = i
	self.XS[i] = F.xk
	if #F.xk > 0 then self.B[i] = ffi.new("uint8_t[?]", XBUF) end
	return i
end

-- into: "v" (the field tested) or "w" (the field on the right of val()).
local function fetch(F, i, into)
	if #F.xk == 0 then return fmt("get(s,%d,%s)==1", F.h, into) end
	return fmt("xget(%d,%s,XS[%d],B[%d])", F.h, into, i, i)
end

-- A field read: its text (nil: nothing to check) and where the value is
-- then. A read that an earlier one on every path to it settled costs no
-- FFI call: the value is MV[H], the memo of saker_field_get, with no check
-- if that one passed, ME[H]>0 (present) if it only ran.
function Gen:memo_fetch(h)
	if self.P[h] then return nil, fmt("MV[%d]", h) end
	if self.Rd[h] then return fmt("ME[%d]>0", h), fmt("MV[%d]", h) end
	return fmt("get(s,%d,v)==1", h), fmt("MV[%d]", h)
end

-- Handles whose get certainly ran when n was evaluated (whatever its
-- result), and those whose get certainly returned 1 when n was true.
local function reads(n, into)
	local k = n.k
	if k == "and" or k == "or" then return reads(n.args[1], into) end
	if k == "not" then return reads(n.arg, into) end
	if not n.field.list then into[n.field.h] = true end
	return into
end

local function passed(n, into)
	local k = n.k
	if k == "and" then
		for _, a in ipairs(n.args) do passed(a, into) end
	elseif k == "or" then
		local common = passed(n.args[1], {})
		for j = 2, #n.args do
			local other = passed(n.args[j], {})
			for h in pairs(common) do
				if not other[h] then common[h] = nil end
			end
		end
		for h in pairs(common) do into[h] = true end
	elseif k ~= "not" then
		if not n.field.list then into[n.field.h] = true end
		if n.rhs and not n.rhs.list then into[n.rhs.h] = true end
	end
	return into
end

-- What the code after n knows once n was true (ok) or false: the old
-- knowledge, to give back to restore().
function Gen:learn(n, ok)
	local old = { P = self.P, Rd = self.Rd }
	local P, Rd = {}, {}
	for h in pairs(self.P) do P[h] = true end
	for h in pairs(self.Rd) do Rd[h] = true end
	reads(n, Rd)
	if ok then passed(n, P) end
	for h in pairs(P) do Rd[h] = true end
	self.P, self.Rd = P, Rd
	return old
end

function Gen:restore(old)
	self.P, self.Rd = old.P, old.Rd
end

local STR_TEST = { ["="] = "t_eq", ["!="] = "t_eq", contains = "t_contains",
	bcontains = "t_contains", icontains = "t_icontains", startswith = "t_startswith",
	bstartswith = "t_startswith", endswith = "t_endswith" }
local NUM_TEST = { ["="] = "n_eq", ["!="] = "n_eq", ["<"] = "n_lt", ["<="] = "n_le",
	[">"] = "n_gt", [">="] = "n_ge" }

-- Tests written out in the generated code rather than called: every
-- helper function is a place where the JIT may start a trace of its own,
-- and such traces run on into the rule code and abort there.
local INLINE = {
	t_eq = function(v, k, n) return fmt("(%s.len==%s and memcmp(%s.s,%s,%s)==0)", v, n, v, k, n) end,
	t_startswith = function(v, k, n)
		return fmt("(%s.len>=%s and memcmp(%s.s,%s,%s)==0)", v, n, v, k, n)
	end,
	t_contains = function(v, k, n) return fmt("m_contains(%s.s,%s.len,%s,%s)~=0", v, v, k, n) end,
	t_icontains = function(v, k, n) return fmt("m_icontains(%s.s,%s.len,%s,%s)~=0", v, v, k, n) end,
	t_endswith = function(v, k, n) return fmt("m_endswith(%s.s,%s.len,%s,%s)~=0", v, v, k, n) end,
	t_glob = function(v, pat, icase) return fmt("m_glob(%s,%s.s,%s.len,%s)~=0", pat, v, v, icase) end,
	t_regex = function(v, re) return fmt("m_regex(%s,%s.s,%s.len)~=0", re, v, v) end,
	t_set = function(v, set) return fmt("m_set(%s,%s.s,%s.len)~=0", set, v, v) end,
	n_eq = function(v, x) return fmt("%s.n==%s", v, x) end,
	n_lt = function(v, x) return fmt("%s.n<%s", v, x) end,
	n_le = function(v, x) return fmt("%s.n<=%s", v, x) end,
	n_gt = function(v, x) return fmt("%s.n>%s", v, x) end,
	n_ge = function(v, x) return fmt("%s.n>=%s", v, x) end,
	n_in = function(v, t) return fmt("%s[tonumber(%s.n)]==true", t, v) end,
	b_eq = function(v, b) return fmt("(%s.n~=0)==%s", v, b) end,
}

-- The test of a cmp node as (helper name, { argument text, ... }, negate).
function Gen:test(n, rhs_slot)
	local op, class = n.op, n.class
	local neg = op == "!="
	if n.consts then
		if class == "str" then
			local set = ffi.gc(C.saker_strset_new(op == "pmatch" and C.SAKER_SET_PATHS or C.SAKER_SET_EXACT),
				C.saker_strset_free)
			for _, c in ipairs(n.consts) do C.saker_strset_add(set, c, #c) end
			return "t_set", { fmt("S[%d]", self:keep(set)) }, false
		elseif class == "num" or class == "bool" then
			local t = {}
			for _, c in ipairs(n.consts) do
				if type(c) == "boolean" then t[c and 1 or 0] = true else t[c] = true end
			end
			return "n_in", { fmt("S[%d]", self:keep(t)) }, false
		end
		return "ip_in", { fmt("S[%d]", self:keep(n.consts)) }, false
	end
	if rhs_slot then
		if class == "str" then
			return STR_TEST[op], { "w.s", "w.len" }, neg
		elseif class == "ip" then
			return "ip_eq", { "w.s", "w.len", "w.len*8" }, neg
		end
		return NUM_TEST[op], { "w.n" }, neg
	end
	local k = n.const
	if class == "str" then
		if op == "glob" or op == "iglob" then
			return "t_glob", { q(k), op == "iglob" and "1" or "0" }, false
		elseif op == "regex" then
			local err = ffi.new("char[256]")
			local re = C.saker_regex_new(k, err, 256)
			if re == nil then
				error({ msg = "invalid regex '" .. k .. "': " .. ffi.string(err), pos = n.value.pos,
					src = n.src }, 0)
			end
			return "t_regex", { fmt("S[%d]", self:keep(ffi.gc(re, C.saker_regex_free))) }, false
		end
		return STR_TEST[op], { q(k), tostring(#k) }, neg
	elseif class == "num" then
		return NUM_TEST[op], { num(k) }, neg
	elseif class == "bool" then
		return "b_eq", { tostring(k) }, neg
	end
	return "ip_eq", { q(k.addr), tostring(#k.addr), tostring(k.bits) }, neg
end

function Gen:cmp(n)
	local F = n.field
	local i = self:slot(F)
	if n.op == "exists" then
		if F.list then return fmt("at(s,%d,0,v)==1", F.h) end
		if #F.xk == 0 then return self:memo_fetch(F.h) or "true" end
		return fmt("get(s,%d,v)==1", F.h)
	end
	local pre, rj = "", nil
	if n.rhs then
		rj = self:slot(n.rhs)
		pre = fetch(n.rhs, rj, "w") .. " and "
	end
	local helper, args, neg = self:test(n, rj)
	if F.list then
		return pre .. fmt("any(%d,v,XS[%d],B[%d],%s,%s,%s)", F.h, i, i, tostring(neg), helper,
			concat(args, ","))
	end
	local inline = INLINE[helper]
	if inline and #F.xk == 0 and not n.rhs then
		local read, m = self:memo_fetch(F.h)
		local test = "(" .. inline(m, args[1], args[2]) .. ")"
		if neg then test = "not " .. test end
		if not read then return test end
		return read .. " and " .. test
	end
	local v = "v"
	local test = inline and "(" .. inline(v, args[1], args[2]) .. ")"
		or fmt("%s(%s,%s)", helper, v, concat(args, ","))
	if neg then test = "not " .. test end
	return fetch(F, i, "v") .. " and " .. pre .. test
end

-- Move expression text into a function of its own: F[j]().
function Gen:hoist(text)
	local F = self.F
	F[#F + 1] = text
	return fmt("F[%d]()", #F)
end

-- Flattened expression text of node n.
function Gen:expr(n, depth)
	if depth > M.MAX_DEPTH then
		error({ msg = "condition nests deeper than " .. M.MAX_DEPTH .. " levels after macro expansion",
			pos = n.pos, src = n.src }, 0)
	end
	local k = n.k
	if k == "and" or k == "or" then
		local parts, saved = {}, nil
		local function add(a)
			if a.k == k then
				for _, b in ipairs(a.args) do add(b) end
			else
				parts[#parts + 1] = "(" .. self:expr(a, depth + 1) .. ")"
				-- the next part runs only if this one was true (and), false (or)
				local old = self:learn(a, k == "and")
				saved = saved or old
			end
		end
		add(n)
		self:restore(saved)
		local sep = " " .. k .. " "
		local text = concat(parts, sep)
		if #text <= CHUNK then return text end
		-- too long for one function's jumps: pack into hoisted functions
		local groups, cur, curlen = {}, {}, 0
		for _, p in ipairs(parts) do
			if curlen + #p > CHUNK and #cur > 0 then
				groups[#groups + 1] = self:hoist(concat(cur, sep))
				cur, curlen = {}, 0
			end
			cur[#cur + 1] = p
			curlen = curlen + #p + #sep
		end
		groups[#groups + 1] = self:hoist(concat(cur, sep))
		return concat(groups, sep)
	elseif k == "not" then
		if n.arg.k == "not" then return self:expr(n.arg.arg, depth + 1) end
		return "not (" .. self:expr(n.arg, depth + 1) .. ")"
	end
	return self:cmp(n)
end

-- A fresh generator: g:expr(tree, 0) -> expression text; its V, S, B, XS, F
-- are the values the chunk that uses the text must be loaded with.
function M.gen()
	return setmetatable({ n = 0, V = { ffi.new("struct saker_val"), ffi.new("struct saker_val") },
		S = {}, B = {}, XS = {}, F = {}, P = {}, Rd = {} }, Gen)
end

-- Load the chunk `header .. "return " .. body` (body: a function
-- expression) with the helpers of R and the values of g; returns fn, source.
-- Raises { msg = } when the generated code does not load.
function M.load(R, g, header, body, chunkname)
	local hoist = {}
	for _, h in ipairs(R.names) do hoist[#hoist + 1] = fmt("local %s = R.%s", h, h) end
	hoist[#hoist + 1] = "local v, w = V[1], V[2]"
	hoist[#hoist + 1] = "local F = {}"
	for j, text in ipairs(g.F) do hoist[#hoist + 1] = fmt("F[%d] = function() return %s end", j, text) end
	local src = concat({ header, "local R, V, S, B, XS = ...", concat(hoist, "\n"),
		"return " .. body, "" }, "\n")
	local chunk, err = load(src, chunkname)
	if not chunk then error({ msg = "generated code does not load: " .. tostring(err) }, 0) end
	return chunk(R, g.V, g.S, g.B, g.XS), src
end

-- Generate and load the match function of one rule.
-- Returns { fn =, lua = source } or raises { msg =, pos =, src = }.
function M.rule(R, name, tree)
	local g = M.gen()
	local body = g:expr(tree, 0)
	local ok, fn, src = pcall(M.load, R, g, "-- rule: " .. name:gsub("\n", " "),
		"function()\n\treturn " .. body .. "\nend", "=rule: " .. name)
	if not ok then
		error({ msg = fn.msg or tostring(fn), pos = tree.pos, src = tree.src }, 0)
	end
	return { fn = fn, lua = src, refs = g.V, sets = g.S }
end

return M
