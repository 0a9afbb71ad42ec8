-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.parse: tokens -> condition tree (Falco's filter grammar).
--
--   expr    := or
--   or      := and { "or" and }
--   and     := not { "and" not }
--   not     := "not" not | primary
--   primary := "(" expr ")" | check | macro-name
--   check   := field "exists"
--            | field cmpop value
--            | field listop ( "(" [ item { "," item } ] ")" | list-name )
--   field   := name[ "[" arg "]" ] | xf "(" field ")"      xf: tolower toupper b64 basename len
--   value   := word | string | "val" "(" field ")"
--
-- Tree (every node has pos, the 0-based offset in its condition, and src,
-- the item it was written in: { item = "rule"|"macro", name =, loc = cond_loc }):
--
--   { k = "or" | "and", args = { node, ... } }     (chains come flat)
--   { k = "not", arg = node }
--   { k = "macro", name = "spawned_process" }
--   { k = "cmp", op = OP, field = F, value = V }    OP: = != < <= > >= contains icontains
--                                                    bcontains startswith bstartswith endswith
--                                                    glob iglob regex
--   { k = "cmp", op = "in" | "intersects" | "pmatch", field = F, values = { V, ... } }
--   { k = "cmp", op = "exists", field = F }
--   F := { name = "proc.aname", arg = "2" | nil, xf = { "tolower", ... } (innermost first), text = }
--   V := { k = "val", v = "text", quoted = bool } | { k = "field", field = F } | { k = "list", name = }
local lex = require("saker.rules.lex")

local M = {}

local MAX_DEPTH = 100

M.binops = { ["="] = true, ["=="] = true, ["!="] = true, ["<"] = true, ["<="] = true,
	[">"] = true, [">="] = true, contains = true, icontains = true, bcontains = true,
	startswith = true, bstartswith = true, endswith = true, glob = true, iglob = true,
	regex = true }
M.listops = { ["in"] = true, intersects = true, pmatch = true }
M.transformers = { tolower = true, toupper = true, b64 = true, basename = true, len = true }

local function is_opword(t)
	return (t.t == "op") or (t.t == "word" and (M.binops[t.v] or M.listops[t.v] or t.v == "exists"))
end

-- Parse `text`; src is attached to every node. Returns the tree, or nil,
-- message, offset.
function M.condition(text, src)
	local toks, lerr, lpos = lex.tokens(text)
	if not toks then return nil, lerr, lpos end
	local i = 1
	local function peek(k) return toks[i + (k or 0)] end
	local function fail(msg, t)
		t = t or toks[i]
		error({ msg = msg, pos = t.pos }, 0)
	end
	local function take() local t = toks[i]; i = i + 1; return t end
	local function expect(kind, what)
		local t = toks[i]
		if t.t ~= kind then fail("expected " .. what .. ", found '" .. t.v .. "'", t) end
		i = i + 1
		return t
	end

	local function field()
		local t = peek()
		if t.t ~= "word" then fail("expected a field, found '" .. t.v .. "'", t) end
		take()
		if M.transformers[t.v] and peek().t == "(" then
			take()
			local inner = field()
			expect(")", "')'")
			local xf = {}
			for k = 1, #inner.xf do xf[k] = inner.xf[k] end
			xf[#xf + 1] = t.v
			return { name = inner.name, arg = inner.arg, xf = xf,
				text = t.v .. "(" .. inner.text .. ")", pos = t.pos }
		end
		local name, arg = t.v:match("^([%w_.]+)%[(.*)%]$")
		if not name then
			if not t.v:match("^[%a_][%w_.]*$") then fail("invalid field name '" .. t.v .. "'", t) end
			name = t.v
		end
		return { name = name, arg = arg, xf = {}, text = t.v, pos = t.pos }
	end

	local function value()
		local t = peek()
		if t.t == "str" then
			take()
			return { k = "val", v = t.v, quoted = true, pos = t.pos }
		elseif t.t == "op" and (t.v == "<" or t.v == ">") then
			-- evt.dir = < : a direction, not an operator
			take()
			return { k = "val", v = t.v, quoted = false, pos = t.pos }
		elseif t.t == "word" then
			take()
			if t.v == "val" and peek().t == "(" then
				take()
				local f = field()
				expect(")", "')'")
				return { k = "field", field = f, pos = t.pos }
			end
			return { k = "val", v = t.v, quoted = false, pos = t.pos }
		end
		fail("expected a value, found '" .. t.v .. "'", t)
	end

	local function list()
		local t = peek()
		if t.t == "word" then
			take()
			return { { k = "list", name = t.v, pos = t.pos } }
		end
		expect("(", "'(' or a list name")
		local vals = {}
		if peek().t == ")" then take(); return vals end
		while true do
			local v = peek()
			if v.t == "str" or v.t == "word" then
				take()
				vals[#vals + 1] = { k = "val", v = v.v, quoted = v.t == "str", pos = v.pos }
			else
				fail("expected a list item, found '" .. v.v .. "'", v)
			end
			local sep = take()
			if sep.t == ")" then break end
			if sep.t ~= "," then fail("expected ',' or ')' in list, found '" .. sep.v .. "'", sep) end
		end
		return vals
	end

	local expr

	local function primary(depth)
		local t = peek()
		if t.t == "(" then
			take()
			local e = expr(depth + 1)
			expect(")", "')'")
			return e
		end
		if t.t ~= "word" then fail("expected a condition, found '" .. t.v .. "'", t) end
		local nxt = peek(1)
		if is_opword(nxt) or (M.transformers[t.v] and nxt.t == "(") then
			local f = field()
			local op = take()
			local o = op.v
			if o == "==" then o = "=" end
			if o == "exists" then
				return { k = "cmp", op = o, field = f, pos = f.pos, src = src }
			elseif M.listops[o] then
				return { k = "cmp", op = o, field = f, values = list(), pos = f.pos, src = src }
			end
			return { k = "cmp", op = o, field = f, value = value(), pos = f.pos, src = src }
		end
		take()
		if t.v == "and" or t.v == "or" then fail("unexpected '" .. t.v .. "'", t) end
		if not t.v:match("^[%a_][%w_.%-]*$") then
			fail("expected a condition, found '" .. t.v .. "'", t)
		end
		return { k = "macro", name = t.v, pos = t.pos, src = src }
	end

	local function unary(depth)
		if depth > MAX_DEPTH then fail("condition nests deeper than " .. MAX_DEPTH .. " levels") end
		local t = peek()
		if t.t == "word" and t.v == "not" then
			take()
			return { k = "not", arg = unary(depth + 1), pos = t.pos, src = src }
		end
		return primary(depth)
	end

	local function chain(kind, sub, depth)
		local first = sub(depth)
		local t = peek()
		if not (t.t == "word" and t.v == kind) then return first end
		local args = { first }
		while peek().t == "word" and peek().v == kind do
			take()
			args[#args + 1] = sub(depth)
		end
		return { k = kind, args = args, pos = first.pos, src = src }
	end

	local function conj(depth) return chain("and", unary, depth) end
	function expr(depth)
		if depth > MAX_DEPTH then fail("condition nests deeper than " .. MAX_DEPTH .. " levels") end
		return chain("or", conj, depth)
	end

	local ok, res = pcall(function()
		local e = expr(0)
		if peek().t ~= "eof" then fail("unexpected '" .. peek().v .. "' after the condition") end
		return e
	end)
	if ok then return res end
	if type(res) == "table" then return nil, res.msg, res.pos end
	error(res, 0)
end

return M
