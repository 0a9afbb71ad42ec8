-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.compile: the loader's ruleset -> compiled rules for the engine.
--
--   compiled = {
--     rules    = { { name, priority, priority_num, tags, source, desc, enabled,
--                    match = function() -> bool, format = function() -> text, fields,
--                    output_keys = { key, ... }, evttypes = { [code] = true } | nil,
--                    lua = "generated source" } },
--     by_type  = { [code] = { rule, ... } }   every code 0..max-1, enabled rules in order
--     eval     = { [code] = function(hits) -> n }   every code 0..max-1: the indices
--                (into rules) of the matching enabled rules in hits[1..n], in
--                rule order (plan.lua); rules[i].idx == i
--     interest = { "open", ... } | "all"
--   }
--
-- Passes per rule: parse (parse.lua) -> expand macros, lists, exceptions
-- (expand.lua) -> check fields and operators (check.lua) -> event types
-- (here) -> generate and load Lua (codegen.lua); output strings go through
-- output.lua. Diagnostics: { level, file, line, col, offset, msg, item, name, code }.
-- opts: { rule_matching, min_priority_num, enabled = function(rule) -> bool,
--         yield = function() called between rules and between event types, so
--         a hot reload can build in slices between batches of events }.
local core = require("saker.core")
local parse = require("saker.rules.parse")
local expand = require("saker.rules.expand")
local check = require("saker.rules.check")
local codegen = require("saker.rules.codegen")
local plan = require("saker.rules.plan")
local output = require("saker.rules.output")
local append = require("saker.rules.append")
local ffi = core.ffi
local C = core.C

local M = {}

-- ---- locations ------------------------------------------------------------

-- file/line/col of offset `pos` of the text that starts at loc.
local function locate(loc, text, pos)
	loc = loc or {}
	local line, col = loc.line, loc.col
	if text and pos and line then
		local before = text:sub(1, pos)
		local nl = select(2, before:gsub("\n", ""))
		if nl == 0 then
			col = (col or 1) + pos
		else
			line = line + nl
			col = #before - (before:match(".*()\n") or 0) + 1
		end
	end
	return loc.file, line, col
end

local function diag(diags, level, code, e, rule, text)
	local src = e.src or { item = "rule", name = rule and rule.name, loc = rule and rule.cond_loc }
	local file, line, col = locate(src.loc, src.text or text, e.pos)
	local msg = e.msg
	if src.item == "macro" and rule then
		msg = msg .. " (in macro '" .. tostring(src.name) .. "')"
	elseif src.exception then
		msg = msg .. " (in exception '" .. tostring(src.exception) .. "')"
	end
	diags[#diags + 1] = { level = level, code = code, file = file, line = line, col = col,
		offset = e.pos, msg = msg, item = rule and "rule" or src.item,
		name = rule and rule.name or src.name }
end

-- ---- event types ----------------------------------------------------------

local function evtable()
	local max = C.saker_evtype_max()
	local by_name, all, names, generic = {}, {}, {}, {}
	for code = 0, max - 1 do
		local p = C.saker_evtype_name(code)
		local name = p ~= nil and ffi.string(p) or "NA"
		names[code] = name
		if name ~= "NA" then
			by_name[name] = by_name[name] or {}
			table.insert(by_name[name], code)
			all[code] = true
		end
		generic[code] = C.saker_evtype_generic(code) == 1 or nil
	end
	return { max = max, by_name = by_name, all = all, names = names, generic = generic }
end
M.evtable = evtable

local function union(a, b)
	if a == b then return a end
	local out = {}
	for k in pairs(a) do out[k] = true end
	for k in pairs(b) do out[k] = true end
	return out
end

local function inter(a, b, ALL)
	if a == ALL then return b end
	if b == ALL then return a end
	local out = {}
	for k in pairs(a) do if b[k] then out[k] = true end end
	return out
end

local function minus(a, b)
	local out = {}
	for k in pairs(a) do if not b[k] then out[k] = true end end
	return out
end

-- (pos, neg): the codes on which n, and on which `not n`, can be true.
local function types_of(n, et)
	local ALL = et.all
	if n.k == "and" or n.k == "or" then
		local p, q = types_of(n.args[1], et)
		for i = 2, #n.args do
			local p2, q2 = types_of(n.args[i], et)
			if n.k == "and" then
				p, q = inter(p, p2, ALL), union(q, q2)
			else
				p, q = union(p, p2), inter(q, q2, ALL)
			end
		end
		return p, q
	elseif n.k == "not" then
		local p, q = types_of(n.arg, et)
		return q, p
	end
	local F = n.field
	if F.name ~= "evt.type" or F.arg or #F.xf > 0 or n.rhs then return ALL, ALL end
	local set = {}
	local function add(name)
		for _, c in ipairs(et.by_name[name] or {}) do set[c] = true end
	end
	if n.op == "=" or n.op == "!=" then
		add(n.const)
	elseif n.op == "in" or n.op == "intersects" then
		for _, v in ipairs(n.consts) do add(v) end
	else
		return ALL, ALL
	end
	if n.op == "!=" then return minus(ALL, set), set end
	return set, minus(ALL, set)
end
M.types_of = types_of

-- ---- rules ----------------------------------------------------------------

local function is_enabled(rule, opts)
	local en
	if opts.enabled then en = opts.enabled(rule) else en = rule.enabled ~= false end
	if en == nil then en = rule.enabled ~= false end
	if en and opts.min_priority_num and rule.priority_num
		and rule.priority_num > opts.min_priority_num then
		en = false
	end
	return en
end

-- Every field an exception names must exist, whether or not the exception
-- has values yet (Falco: item "exception"). false when one does not.
local function check_exception_fields(ctx, rule, diags)
	local ok_all = true
	for _, e in ipairs(rule.exceptions or {}) do
		local fields = type(e.fields) == "table" and e.fields or { e.fields }
		for _, f in ipairs(fields) do
			local src = { item = "exception", name = e.name, loc = e.loc or rule.loc }
			local probe = parse.condition(tostring(f) .. " exists", src)
			local ok = probe and probe.k == "cmp" and pcall(function() ctx.chk:tree(probe) end)
			if not ok then
				ok_all = false
				local loc = src.loc or {}
				diags[#diags + 1] = { level = "error", code = "LOAD_ERR_VALIDATE",
					file = loc.file, line = loc.line, col = loc.col,
					msg = string.format("'%s' is not a supported filter field", tostring(f)),
					item = "exception", name = e.name, rule = rule.name }
			end
		end
	end
	return ok_all
end

-- Compile one rule; returns the compiled rule or nil (diags filled).
local function rule_one(ctx, rule, diags)
	if not check_exception_fields(ctx, rule, diags) then return nil end
	local text = tostring(rule.condition or "")
	local src = { item = "rule", name = rule.name, loc = rule.cond_loc or rule.loc, text = text }
	local tree, msg, pos = parse.condition(text, src)
	if not tree then
		diag(diags, "error", "parse", { msg = msg, pos = pos, src = src }, rule)
		return nil
	end
	local ok, res = pcall(function()
		local full = ctx.exp:rule(rule, tree)
		ctx.chk:tree(full)
		return full
	end)
	if not ok then
		if type(res) ~= "table" then error(res, 0) end
		if res.unknown_field and rule.skip_if_unknown_filter then
			diag(diags, "warning", "skip_unknown_filter", {
				msg = res.msg .. ": rule skipped (skip-if-unknown-filter)", pos = res.pos, src = res.src }, rule)
		else
			diag(diags, "error", res.unknown_field and "unknown_field" or "condition", res, rule)
		end
		return nil
	end
	local full = res
	local types = types_of(full, ctx.et)
	local cg
	ok, res = pcall(codegen.rule, ctx.R, tostring(rule.name), full)
	if not ok then
		if type(res) ~= "table" then error(res, 0) end
		diag(diags, "error", "codegen", res, rule)
		return nil
	end
	cg = res
	local text, extra = append.apply(ctx.append, rule)
	local fmt_, omsg, opos = output.compile(ctx.s, text, extra)
	if not fmt_ then
		diag(diags, "error", "output", { msg = omsg, pos = opos,
			src = { item = "rule", name = rule.name, loc = rule.output_loc or rule.loc,
				text = tostring(rule.output or "") } }, rule)
		return nil
	end
	local all = types == ctx.et.all
	local nnames = 0
	if not all then
		local seen = {}
		for c in pairs(types) do
			local nm = ctx.et.names[c]
			if not seen[nm] then seen[nm] = true; nnames = nnames + 1 end
		end
		all = next(minus(ctx.et.all, types)) == nil
	end
	if (all or nnames > 100) and rule.warn_evttypes ~= false then
		diag(diags, "warning", "too_many_evttypes", { msg = "rule matches too many evt.type values. "
			.. "This has a significant performance penalty.", pos = 0, src = src }, rule)
	end
	return {
		name = rule.name, desc = rule.desc, priority = rule.priority, priority_num = rule.priority_num,
		tags = rule.tags or {}, source = rule.source or "syscall",
		match = cg.fn, format = fmt_.format, output_keys = fmt_.keys,
		evttypes = (not all) and types or nil, lua = cg.lua, tree = full,
		capture = rule.capture, capture_duration = rule.capture_duration, -- saker.record
		-- a rule that names its few syscalls asks the kernel for them, even
		-- as generic events; one that excludes a few (evt.type != x) takes
		-- the generic events that others asked for
		names_few = nnames <= 100,
	}
end

-- Macros no rule uses are compiled too, as Falco does, so that their
-- errors (a loop, an unknown field or macro) are reported, in file order.
local function check_unused_macros(ctx, ruleset, diags)
	local names = {}
	for name in pairs(ruleset.macros or {}) do
		if not ctx.exp.used[name] then names[#names + 1] = name end
	end
	local function key(name)
		local loc = ruleset.macros[name].loc or {}
		return tostring(loc.file or ""), tonumber(loc.line) or 0
	end
	table.sort(names, function(a, b)
		local fa, la = key(a)
		local fb, lb = key(b)
		if fa ~= fb then return fa < fb end
		return la < lb
	end)
	for _, name in ipairs(names) do
		local ok, res = pcall(function()
			ctx.chk:tree(ctx.exp:expand({ k = "macro", name = name, pos = 0 }))
		end)
		if not ok then
			if type(res) ~= "table" then error(res, 0) end
			res.src = res.src or { item = "macro", name = name, loc = ruleset.macros[name].loc }
			diag(diags, "error", res.unknown_field and "unknown_field" or "condition", res, nil)
		end
	end
end

local function context(ruleset, s)
	return { s = s, R = codegen.runtime(s), exp = expand.new(ruleset), chk = check.new(s), et = evtable() }
end

-- compile.ruleset(ruleset, s, opts) -> compiled, diags
function M.ruleset(ruleset, s, opts)
	opts = opts or {}
	local yield = opts.yield or function() end
	local ctx = context(ruleset, s)
	ctx.append = opts.append_output
	local diags, rules = {}, {}
	for _, rule in ipairs(ruleset.rules or {}) do
		if (rule.source or "syscall") == "syscall" then
			yield()
			local r = rule_one(ctx, rule, diags)
			if r then
				r.enabled = is_enabled(rule, opts)
				rules[#rules + 1] = r
				r.idx = #rules
			end
		end
	end
	check_unused_macros(ctx, ruleset, diags)
	local by_type, interest, want_all = {}, {}, false
	for code = 0, ctx.et.max - 1 do by_type[code] = {} end
	local wanted = {}
	for _, r in ipairs(rules) do
		if r.enabled then
			if r.evttypes then
				for code in pairs(r.evttypes) do
					if r.names_few or not ctx.et.generic[code] then wanted[code] = true end
				end
			else
				want_all = true
			end
		end
	end
	for code = 0, ctx.et.max - 1 do
		local list = by_type[code]
		for _, r in ipairs(rules) do
			if r.enabled and (r.evttypes == nil and ctx.et.all[code] or (r.evttypes and r.evttypes[code])) then
				list[#list + 1] = r
			end
		end
	end
	local eval, cache = {}, {}
	for code = 0, ctx.et.max - 1 do
		local list = {}
		for i, r in ipairs(by_type[code]) do list[i] = { idx = r.idx, tree = r.tree } end
		if #list > 0 then yield() end
		eval[code] = plan.eval(ctx.R, ctx.et.names[code], list, cache)
	end
	if want_all then
		interest = "all"
	else
		local seen = {}
		for code in pairs(wanted) do
			local nm = ctx.et.names[code]
			if not seen[nm] then seen[nm] = true; interest[#interest + 1] = nm end
		end
		table.sort(interest)
	end
	return { rules = rules, by_type = by_type, eval = eval, interest = interest }, diags
end

-- The generated Lua source of one rule (for --dump-lua), or nil, diags.
function M.dump_lua(ruleset, s, rule_name)
	local ctx = context(ruleset, s)
	for _, rule in ipairs(ruleset.rules or {}) do
		if rule.name == rule_name then
			local diags = {}
			local r = rule_one(ctx, rule, diags)
			if r then return r.lua end
			return nil, diags
		end
	end
	return nil, { { level = "error", code = "no_rule", msg = "no rule named '" .. tostring(rule_name) .. "'" } }
end

return M
