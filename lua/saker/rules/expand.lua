-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.expand: condition tree -> the same tree with no macro nodes
-- and no list references, plus the rule's exceptions appended.
--
--   In:  parse's tree (k = or, and, not, macro, cmp; list values { k = "list" }
--        and items that name lists).
--   Out: k = or, and, not, cmp only; the values of in/intersects/pmatch are
--        { k = "val", v = } items (lists flattened, in order, nested lists
--        expanded); values may also be { k = "field" } for val(...).
--   rule + exceptions: (cond) and not (E1) and not (E2) ...; Ei is the or of
--   its values tuples, a tuple the and of `field comp value`.
--
-- Nodes are copied, never shared between rules. Errors are raised as
-- { msg =, pos =, src = } and caught by compile.
local parse = require("saker.rules.parse")
local lex = require("saker.rules.lex")

local M = {}

local function fail(msg, node, src)
	error({ msg = msg, pos = node and node.pos or 0, src = src or (node and node.src) }, 0)
end

local Expander = {}
Expander.__index = Expander

-- ruleset: the loader's { lists =, macros = }.
function M.new(ruleset)
	return setmetatable({ lists = ruleset.lists or {}, macros = ruleset.macros or {},
		parsed = {}, used = {} }, Expander)
end

function Expander:macro_tree(name, node)
	local p = self.parsed[name]
	if p then return p end
	local m = self.macros[name]
	if not m then
		if self.lists[name] then fail("list '" .. name .. "' used as a condition", node) end
		fail("undefined macro '" .. name .. "'", node)
	end
	local src = { item = "macro", name = name, loc = m.cond_loc or m.loc, text = tostring(m.condition or "") }
	local tree, msg, pos = parse.condition(tostring(m.condition or ""), src)
	if not tree then error({ msg = msg, pos = pos, src = src }, 0) end
	self.parsed[name] = tree
	return tree
end

-- Append the items of list `name` to out, expanding nested lists.
function Expander:list_items(name, out, seen, node)
	if seen[name] then fail("list '" .. name .. "' includes itself", node) end
	seen[name] = true
	for _, it in ipairs(self.lists[name].items or {}) do
		local v = tostring(it)
		-- items are condition text: a quoted item is a string literal
		local q = v:sub(1, 1)
		if (q == '"' or q == "'") and #v >= 2 and v:sub(-1) == q then
			local toks = lex.tokens(v)
			if toks and #toks == 2 and toks[1].t == "str" then v = toks[1].v end
		end
		if self.lists[v] then
			self:list_items(v, out, seen, node)
		else
			out[#out + 1] = { k = "val", v = v, quoted = true, pos = node.pos }
		end
	end
	seen[name] = nil
end

function Expander:values(vals, node)
	local out = {}
	for _, v in ipairs(vals) do
		if v.k == "list" then
			if not self.lists[v.name] then fail("undefined list '" .. v.name .. "'", v, node.src) end
			self:list_items(v.name, out, {}, v)
		elseif v.k == "val" and self.lists[v.v] then
			self:list_items(v.v, out, {}, v)
		else
			out[#out + 1] = v
		end
	end
	return out
end

function Expander:node(n, stack)
	local k = n.k
	if k == "and" or k == "or" then
		local args = {}
		for i, a in ipairs(n.args) do args[i] = self:node(a, stack) end
		return { k = k, args = args, pos = n.pos, src = n.src }
	elseif k == "not" then
		return { k = "not", arg = self:node(n.arg, stack), pos = n.pos, src = n.src }
	elseif k == "macro" then
		if stack[n.name] then fail("macro '" .. n.name .. "' refers to itself", n) end
		local tree = self:macro_tree(n.name, n)
		self.used[n.name] = true
		stack[n.name] = true
		local out = self:node(tree, stack)
		stack[n.name] = nil
		return out
	end
	local c = { k = "cmp", op = n.op, field = n.field, value = n.value, pos = n.pos, src = n.src }
	if n.values then c.values = self:values(n.values, n) end
	local v = n.value
	if v and v.k == "val" and not v.quoted and self.lists[v.v] then
		-- a bare list name as the value of = (Falco substitutes lists by
		-- name everywhere): a one-item list stands for its item
		local items = {}
		self:list_items(v.v, items, {}, v)
		if #items == 1 then c.value = items[1] end
	end
	return c
end

function Expander:expand(tree)
	return self:node(tree, {})
end

local function as_list(x)
	if x == nil then return nil end
	if type(x) == "table" then return x end
	return { x }
end

-- An exception value is condition text: in quotes, a string literal (the
-- quotes go); bare, a word that may name a list.
local function exc_value(text)
	text = tostring(text)
	local q = text:sub(1, 1)
	if (q == '"' or q == "'") and #text >= 2 and text:sub(-1) == q then
		local toks = lex.tokens(text)
		if toks and #toks == 2 and toks[1].t == "str" then
			return { k = "val", v = toks[1].v, quoted = true, pos = 0 }
		end
	end
	return { k = "val", v = text, quoted = false, pos = 0 }
end

-- The values of a list operator: a table of values, or one string that is
-- "(a, b, list)" or a single value (possibly a list name).
local function exc_values(value)
	local vals = {}
	if type(value) ~= "table" then
		local inner = tostring(value):match("^%s*%((.*)%)%s*$")
		if not inner then return { exc_value(value) } end
		value = {}
		for item in inner:gmatch("[^,]+") do
			local t = item:match("^%s*(.-)%s*$")
			if t ~= "" then value[#value + 1] = t end
		end
	end
	for _, v in ipairs(value) do vals[#vals + 1] = exc_value(v) end
	return vals
end

-- One `field comp value` of an exception, as a tree node.
local function exc_check(ftext, comp, value, src)
	local probe, msg = parse.condition(ftext .. " exists", src)
	if not probe or probe.k ~= "cmp" then
		fail("invalid exception field '" .. tostring(ftext) .. "'" .. (msg and (": " .. msg) or ""), nil, src)
	end
	local op = comp == "==" and "=" or comp
	local node = { k = "cmp", op = op, field = probe.field, pos = 0, src = src }
	if parse.listops[op] then
		node.values = exc_values(value)
	elseif parse.binops[op] then
		if type(value) == "table" then fail("exception value for '" .. op .. "' must be a single value", nil, src) end
		node.value = exc_value(value)
	else
		fail("invalid exception operator '" .. tostring(comp) .. "'", nil, src)
	end
	return node
end

-- The tree of one exception, or nil when it has no values.
function Expander:exception(rule, e)
	local src = { item = "rule", name = rule.name, loc = e.loc or rule.loc, exception = e.name }
	local values = e.values or {}
	if #values == 0 then return nil end
	local alts = {}
	if type(e.fields) == "string" then
		local comp = type(e.comps) == "string" and e.comps or "in"
		if parse.listops[comp] then
			alts[1] = exc_check(e.fields, comp, values, src)
		else
			for i, v in ipairs(values) do alts[i] = exc_check(e.fields, comp, v, src) end
		end
	else
		local fields = as_list(e.fields) or {}
		local comps = as_list(e.comps) or {}
		for _, tuple in ipairs(values) do
			tuple = as_list(tuple)
			if #tuple ~= #fields then
				fail(string.format("exception '%s': a values tuple has %d items for %d fields",
					tostring(e.name), #tuple, #fields), nil, src)
			end
			local ands = {}
			for i, f in ipairs(fields) do
				ands[i] = exc_check(f, comps[i] or "=", tuple[i], src)
			end
			alts[#alts + 1] = #ands == 1 and ands[1] or { k = "and", args = ands, pos = 0, src = src }
		end
	end
	local e_tree = #alts == 1 and alts[1] or { k = "or", args = alts, pos = 0, src = src }
	return self:node(e_tree, {})
end

-- The rule's whole condition, expanded, with its exceptions.
function Expander:rule(rule, tree)
	local out = self:expand(tree)
	local excs = rule.exceptions or {}
	if #excs == 0 then return out end
	local args = { out }
	for _, e in ipairs(excs) do
		local et = self:exception(rule, e)
		if et then args[#args + 1] = { k = "not", arg = et, pos = 0, src = et.src } end
	end
	if #args == 1 then return out end
	return { k = "and", args = args, pos = out.pos, src = out.src }
end

return M
