-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.plan: the rules of one event type -> one evaluation function.
--
--   eval(hits) -> n    writes the 1-based indices (into compiled.rules) of the
--                      rules that match the current event into hits[1..n], in
--                      rule order, and returns n; allocates nothing.
--
-- Passes, for event type T:
--   1. specialise: every `evt.type = x`, `!=`, `in (...)`, `intersects (...)`
--      test is folded to true/false for T, then `and`/`or`/`not` simplified;
--   2. split each rule's tree into its top-level `and` conjuncts and insert
--      them into a prefix trie keyed by a canonical text of each conjunct
--      (field, arguments, transformers, operator, constants), so one failed
--      shared test skips every rule below it;
--   3. generate one function: nested `if` per trie node, a hit per rule;
--      hits are sorted into rule order when more than one rule matched.
-- Event types with the same plan share one function.
local codegen = require("saker.rules.codegen")

local M = {}

local fmt, concat = string.format, table.concat

-- ---- specialisation -------------------------------------------------------

local function is_type_test(n)
	local F = n.field
	return F.name == "evt.type" and not F.arg and #F.xf == 0 and not n.rhs
		and (n.op == "=" or n.op == "!=" or n.op == "in" or n.op == "intersects")
end

-- n specialised for event name `name`: a node, or true/false.
local function fold(n, name)
	local k = n.k
	if k == "and" or k == "or" then
		local absorb = k == "or" -- the value that decides the chain
		local args = {}
		for _, a in ipairs(n.args) do
			local f = fold(a, name)
			if f == absorb then return absorb end
			if f ~= not absorb then
				if type(f) == "table" and f.k == k then
					for _, b in ipairs(f.args) do args[#args + 1] = b end
				else
					args[#args + 1] = f
				end
			end
		end
		if #args == 0 then return not absorb end
		if #args == 1 then return args[1] end
		return { k = k, args = args, pos = n.pos, src = n.src }
	elseif k == "not" then
		local f = fold(n.arg, name)
		if type(f) == "boolean" then return not f end
		if f == n.arg then return n end
		return { k = "not", arg = f, pos = n.pos, src = n.src }
	end
	if not is_type_test(n) then return n end
	if n.op == "=" then return n.const == name end
	if n.op == "!=" then return n.const ~= name end
	for _, c in ipairs(n.consts) do
		if c == name then return true end
	end
	return false
end
M.fold = fold

-- ---- canonical text -------------------------------------------------------

local function cfield(F)
	return concat(F.xf, "(") .. "(" .. F.name .. (F.arg and ("[" .. F.arg .. "]") or "")
end

local function cconst(c)
	if type(c) == "table" then return fmt("%q/%d", c.addr, c.bits) end
	return fmt("%q", tostring(c)) .. type(c):sub(1, 1)
end

-- A text equal for two nodes exactly when they test the same thing.
local function canon(n)
	local k = n.k
	if k == "and" or k == "or" then
		local parts = {}
		for i, a in ipairs(n.args) do parts[i] = canon(a) end
		return k .. "{" .. concat(parts, ",") .. "}"
	elseif k == "not" then
		return "not{" .. canon(n.arg) .. "}"
	end
	local t = { cfield(n.field), n.op }
	if n.rhs then
		t[3] = "val:" .. cfield(n.rhs)
	elseif n.consts then
		for i, c in ipairs(n.consts) do t[i + 2] = cconst(c) end
	elseif n.const ~= nil then
		t[3] = cconst(n.const)
	end
	return concat(t, " ")
end
M.canon = canon

-- ---- trie -------------------------------------------------------------------

local function conjuncts(n)
	if n.k == "and" then return n.args end
	return { n }
end

local function new_node(test, key)
	return { test = test, key = key, rules = {}, kids = {}, by_key = {} }
end

-- rules: { { idx =, tree = } } in rule order -> trie root, plan key.
local function build(rules, name)
	local root = new_node()
	local keys = {}
	for _, r in ipairs(rules) do
		local f = fold(r.tree, name)
		if f ~= false then
			local node = root
			local path = { tostring(r.idx) }
			if f ~= true then
				for _, c in ipairs(conjuncts(f)) do
					local key = canon(c)
					local kid = node.by_key[key]
					if not kid then
						kid = new_node(c, key)
						node.by_key[key] = kid
						node.kids[#node.kids + 1] = kid
					end
					node = kid
					path[#path + 1] = key
				end
			end
			node.rules[#node.rules + 1] = r.idx
			keys[#keys + 1] = concat(path, "\1")
		end
	end
	return root, concat(keys, "\2")
end

-- ---- code -------------------------------------------------------------------

local function emit(g, node, out, ind)
	for _, idx in ipairs(node.rules) do
		out[#out + 1] = fmt("%sn = n + 1; hits[n] = %d", ind, idx)
	end
	for _, kid in ipairs(node.kids) do
		-- a chain of single-child nodes becomes one condition
		local conds = { "(" .. g:expr(kid.test, 0) .. ")" }
		while #kid.rules == 0 and #kid.kids == 1 do
			kid = kid.kids[1]
			conds[#conds + 1] = "(" .. g:expr(kid.test, 0) .. ")"
		end
		out[#out + 1] = ind .. "if " .. concat(conds, " and ") .. " then"
		emit(g, kid, out, ind .. "\t")
		out[#out + 1] = ind .. "end"
	end
end

local HEADER = [[
local function order(hits, n)
	for i = 2, n do
		local x, j = hits[i], i - 1
		while j >= 1 and hits[j] > x do hits[j + 1] = hits[j]; j = j - 1 end
		hits[j + 1] = x
	end
end]]

local function none() return 0 end
M.none = none

-- The evaluation function of event name `name` over rules
-- { { idx =, tree = } } (rule order); cache: plan key -> { fn =, lua = }.
-- Returns fn, source (nil for the shared empty function).
function M.eval(R, name, rules, cache)
	local root, key = build(rules, name)
	if key == "" then return none end
	local hit = cache[key]
	if hit then return hit.fn, hit.lua end
	local g = codegen.gen()
	local out = { "function(hits)", "\tlocal n = 0" }
	emit(g, root, out, "\t")
	out[#out + 1] = "\tif n > 1 then order(hits, n) end"
	out[#out + 1] = "\treturn n"
	out[#out + 1] = "end"
	local fn, src = codegen.load(R, g, "-- eval: " .. name .. "\n" .. HEADER, concat(out, "\n"),
		"=eval: " .. name)
	cache[key] = { fn = fn, lua = src }
	return fn, src
end

return M
