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
--   2. rewrite: tests of one field against several string sets become one
--      test against their union; every `and`/`or` chain runs cheapest first;
--   3. split each rule's tree into its top-level `and` conjuncts, keyed by a
--      canonical text (field, arguments, transformers, operator, constants),
--      and grow a trie from them: at each node the conjunct the most rules
--      share is tested first, so one failed shared test skips every rule
--      below it, whatever order the rules wrote it in;
--   4. generate one function: nested `if` per trie node, a hit per rule;
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

-- Whether type test n holds for event name `name`.
local function type_holds(n, name)
	if n.op == "=" then return n.const == name end
	if n.op == "!=" then return n.const ~= name end
	for _, c in ipairs(n.consts) do
		if c == name then return true end
	end
	return false
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
	return type_holds(n, name)
end
M.fold = fold

-- The type tests of a tree, in the order fold meets them: what fold makes
-- of the tree for an event name depends on nothing else.
local function type_tests(n, out)
	local k = n.k
	if k == "and" or k == "or" then
		for _, a in ipairs(n.args) do type_tests(a, out) end
	elseif k == "not" then
		type_tests(n.arg, out)
	elseif is_type_test(n) then
		out[#out + 1] = n
	end
	return out
end

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

-- ---- rewriting: merged set tests, conjuncts by cost ------------------------

-- The set a str test looks its value up in: `=`, `in` and `intersects` all
-- ask "is a value of the field one of these" (any value, for list fields),
-- pmatch "is it one of these paths or below one". Key of the tests that
-- one set can answer together, or nil.
local function set_key(n)
	if n.k ~= "cmp" or n.class ~= "str" or n.rhs then return nil end
	local op = n.op
	if op == "pmatch" then return "p" .. cfield(n.field) end
	if op == "in" or op == "intersects" or (op == "=" and n.const ~= nil) then
		return "s" .. cfield(n.field)
	end
	return nil
end

local function set_merge(group)
	local first, seen, consts = group[1], {}, {}
	for _, n in ipairs(group) do
		for _, c in ipairs(n.consts or { n.const }) do
			if not seen[c] then seen[c] = true; consts[#consts + 1] = c end
		end
	end
	return { k = "cmp", op = first.op == "pmatch" and "pmatch" or "in", field = first.field,
		consts = consts, class = "str", pos = first.pos, src = first.src }
end

-- In `a or b`, tests of one field against sets are one test against their
-- union; in `a and b`, so are the negated ones (`not a and not b` is `not
-- (a or b)`): a value is read and hashed once instead of once per set.
-- Worth it from three tests, or two when one is a set already.
local function merge_sets(args, k)
	local groups, order = {}, {}
	for i, a in ipairs(args) do
		local t = k == "and" and a.k == "not" and a.arg or (k == "or" and a)
		local key = t and set_key(t)
		if key then
			local g = groups[key]
			if not g then g = { at = i, sets = 0 }; groups[key] = g; order[#order + 1] = key end
			g[#g + 1] = t
			if t.consts then g.sets = g.sets + 1 end
		end
	end
	local put, drop = {}, {}
	for _, key in ipairs(order) do
		local g = groups[key]
		if #g >= 3 or (#g == 2 and g.sets > 0) then
			local m = set_merge(g)
			put[g.at] = k == "and" and { k = "not", arg = m, pos = m.pos, src = m.src } or m
			for _, n in ipairs(g) do drop[n] = true end
		end
	end
	if not next(put) then return args end
	local out = {}
	for i, a in ipairs(args) do
		if put[i] then
			out[#out + 1] = put[i]
		elseif not drop[k == "and" and a.k == "not" and a.arg or a] then
			out[#out + 1] = a
		end
	end
	return out
end

-- Rough cost of a test, in units of a numeric compare: the operator, the
-- field's first extraction (ancestor walks, rendered command lines) and
-- transformers. Conjuncts run cheapest first, so a failing cheap test
-- skips the dear ones.
local OP_COST = { exists = 1, ["="] = 2, ["!="] = 2, startswith = 2, bstartswith = 2,
	endswith = 3, ["in"] = 4, intersects = 4, pmatch = 6, contains = 5, bcontains = 5,
	icontains = 8, glob = 10, iglob = 12, regex = 20 }
local FIELD_COST = { ["proc.aname"] = 6, ["proc.apid"] = 6, ["proc.aexe"] = 6,
	["proc.aexepath"] = 6, ["proc.pname"] = 2, ["proc.pcmdline"] = 4, ["proc.pexe"] = 2,
	["proc.pexepath"] = 2, ["proc.cmdline"] = 3, ["proc.args"] = 3, ["proc.env"] = 4,
	["evt.args"] = 6, ["fd.name"] = 1, ["evt.arg"] = 2, ["evt.rawarg"] = 1 }

local function field_cost(F)
	return (FIELD_COST[F.name] or 0) + 3 * #F.xf + (F.list and 3 or 0)
end

local cost
cost = function(n)
	local k = n.k
	if k == "and" or k == "or" then
		local c = 0
		for _, a in ipairs(n.args) do c = c + cost(a) end
		return c
	elseif k == "not" then
		return cost(n.arg)
	end
	local c = field_cost(n.field) + (n.rhs and 2 + field_cost(n.rhs) or 0)
	if n.class == "str" then return c + (OP_COST[n.op] or 4) end
	if n.class == "ip" then return c + 3 end
	return c + 1
end

-- args sorted by cost, then in written order.
local function by_cost(args)
	local keyed = {}
	for i, a in ipairs(args) do keyed[i] = { n = a, c = cost(a), i = i } end
	table.sort(keyed, function(x, y)
		if x.c ~= y.c then return x.c < y.c end
		return x.i < y.i
	end)
	local out = {}
	for i, x in ipairs(keyed) do out[i] = x.n end
	return out
end

-- n with set tests merged and every chain ordered by cost (new nodes; the
-- input is shared with other event types).
local function rewrite(n)
	local k = n.k
	if k == "and" or k == "or" then
		local args = {}
		for i, a in ipairs(n.args) do args[i] = rewrite(a) end
		args = by_cost(merge_sets(args, k))
		if #args == 1 then return args[1] end
		return { k = k, args = args, pos = n.pos, src = n.src }
	elseif k == "not" then
		local a = rewrite(n.arg)
		if a == n.arg then return n end
		return { k = "not", arg = a, pos = n.pos, src = n.src }
	end
	return n
end
M.rewrite = rewrite

-- ---- trie -------------------------------------------------------------------

local function conjuncts(n)
	if n.k == "and" then return n.args end
	return { n }
end

local function new_node(test, key)
	return { test = test, key = key, rules = {}, kids = {}, by_key = {} }
end

-- Grow node's subtrie from items { { idx =, tests = { { key =, n =, c =, i = } } } }
-- (each rule's conjuncts not yet tested on the way down). The test most
-- rules share becomes a kid (ties: the cheapest, then the first written),
-- until no test is shared: then each rule's own tests follow in a chain,
-- cheapest first. So a shared test runs once whatever the order it was
-- written in, and a failing cheap test skips the dear ones.
local function grow(node, items)
	local pending = {}
	for _, it in ipairs(items) do
		if #it.tests == 0 then
			node.rules[#node.rules + 1] = it.idx
		else
			pending[#pending + 1] = it
		end
	end
	while #pending > 0 do
		local count, first, best = {}, {}, nil
		for _, it in ipairs(pending) do
			for _, t in ipairs(it.tests) do
				local k = t.key
				if not count[k] then
					count[k] = 0
					first[#first + 1] = t
				end
				count[k] = count[k] + 1
			end
		end
		for _, t in ipairs(first) do
			if not best or count[t.key] > count[best.key]
				or (count[t.key] == count[best.key] and t.c < best.c) then
				best = t
			end
		end
		if count[best.key] == 1 then
			for _, it in ipairs(pending) do
				local tests = { unpack(it.tests) }
				table.sort(tests, function(x, y)
					if x.c ~= y.c then return x.c < y.c end
					return x.i < y.i
				end)
				local at = node
				for _, t in ipairs(tests) do
					local kid = new_node(t.n, t.key)
					at.kids[#at.kids + 1] = kid
					at = kid
				end
				at.rules[#at.rules + 1] = it.idx
			end
			return
		end
		local kid = new_node(best.n, best.key)
		node.kids[#node.kids + 1] = kid
		local inside, rest = {}, {}
		for _, it in ipairs(pending) do
			local left, hit = {}, false
			for _, t in ipairs(it.tests) do
				if t.key == best.key then hit = true else left[#left + 1] = t end
			end
			if hit then
				inside[#inside + 1] = { idx = it.idx, tests = left }
			else
				rest[#rest + 1] = it
			end
		end
		grow(kid, inside)
		pending = rest
	end
end

-- A rule's conjuncts for event name `name` ({ { key =, n =, c =, i = } }
-- and their keys joined), or false when the rule cannot match it. Folding,
-- rewriting and keying run once per outcome of the rule's type tests, not
-- once per event type: memo is keyed by tree (weak, trees go with their
-- ruleset).
local memo = setmetatable({}, { __mode = "k" })

local function rule_tests(tree, name)
	local m = memo[tree]
	if not m then
		m = { tt = type_tests(tree, {}), by = {} }
		memo[tree] = m
	end
	local bits = {}
	for i, n in ipairs(m.tt) do bits[i] = type_holds(n, name) and "1" or "0" end
	local outcome = concat(bits)
	local r = m.by[outcome]
	if r ~= nil then return r end
	local f = fold(tree, name)
	r = false
	if f ~= false then
		local path, tests, seen = {}, {}, {}
		if f ~= true then
			for _, c in ipairs(conjuncts(rewrite(f))) do
				local key = canon(c)
				if not seen[key] then
					seen[key] = true
					tests[#tests + 1] = { key = key, n = c, c = cost(c), i = #tests + 1 }
					path[#path + 1] = key
				end
			end
		end
		r = { tests = tests, path = concat(path, "\1") }
	end
	m.by[outcome] = r
	return r
end

-- rules: { { idx =, tree = } } in rule order -> the items grow takes, plan key.
local function items_of(rules, name)
	local keys, items = {}, {}
	for _, r in ipairs(rules) do
		local t = rule_tests(r.tree, name)
		if t then
			items[#items + 1] = { idx = r.idx, tests = t.tests }
			keys[#keys + 1] = t.path == "" and tostring(r.idx) or r.idx .. "\1" .. t.path
		end
	end
	return items, concat(keys, "\2")
end

-- ---- code -------------------------------------------------------------------

local function emit(g, node, out, ind)
	for _, idx in ipairs(node.rules) do
		out[#out + 1] = fmt("%sn = n + 1; hits[n] = %d", ind, idx)
	end
	for _, kid in ipairs(node.kids) do
		-- a chain of single-child nodes becomes one condition
		-- each condition knows the fields the ones before it read
		local first = kid.test
		local conds = { "(" .. g:expr(first, 0) .. ")" }
		local saved = g:learn(first, true)
		while #kid.rules == 0 and #kid.kids == 1 do
			kid = kid.kids[1]
			conds[#conds + 1] = "(" .. g:expr(kid.test, 0) .. ")"
			g:learn(kid.test, true)
		end
		out[#out + 1] = ind .. "if " .. concat(conds, " and ") .. " then"
		emit(g, kid, out, ind .. "\t")
		out[#out + 1] = ind .. "end"
		-- after the if: only the first condition surely ran
		g:restore(saved)
		g:learn(first, false)
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
	local items, key = items_of(rules, name)
	if key == "" then return none end
	local hit = cache[key]
	if hit then return hit.fn, hit.lua end
	local root = new_node()
	grow(root, items)
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
