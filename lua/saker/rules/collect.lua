-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.collect: item records (saker.rules.load) -> one ruleset
-- (stage 2 of 3). Applies, in file order, definitions, redefinitions,
-- `append: true`, `override: {key: append|replace}` and enabled-only
-- entries, then validates exceptions and the required engine version.
--
-- The ruleset, the contract with the compiler:
--   required_engine_version = "x.y.z" | nil   (the highest one required)
--   required_plugins = { {name=, version=, alternatives=} ... }
--   lists  = { [name] = { name=, items = {string...}, loc= } }
--   macros = { [name] = { name=, condition=, loc=, cond_loc=, cond_parts= } }
--   rules  = { { name=, desc=, condition=, output=, priority=, priority_num=,
--                tags=, enabled=, source=, warn_evttypes=,
--                skip_if_unknown_filter=, capture=, capture_duration=,
--                exceptions = { {name=, fields=, comps=, values=, loc=} },
--                loc=, cond_loc=, output_loc=, cond_parts= } ... }
--   rule_by_name = { [name] = rule }
--   files = { path ... }   (set by load.ruleset: the files read, in order)
-- A condition built by appends is the pieces joined by one space;
-- cond_parts = { {pos = byte offset of the piece in condition (1-based),
-- loc = where that piece starts in its file} ... } maps it back.
-- cond_loc is the location of the first piece.
local load = require("saker.rules.load")

local M = {}

local ipairs, pairs, type = ipairs, pairs, type
local fmt, match, tonumber = string.format, string.match, tonumber
local add_diag = load.add_diag

-- The engine version this loader implements (the rules language of
-- Falco's engine at the same version).
M.ENGINE_VERSION = "0.57.0"

-- Plugins whose features are built into saker.
M.BUILTIN_PLUGINS = { container = true }

local OPERATORS = {}
for _, op in ipairs({ "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains",
	"bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob", "in",
	"intersects", "pmatch", "exists", "regex" }) do
	OPERATORS[op] = true
end

local function copy(t)
	if type(t) ~= "table" then return t end
	local o = {}
	for k, v in pairs(t) do o[k] = copy(v) end
	return o
end

local function semver(s)
	local a, b, c = match(s, "^(%d+)%.(%d+)%.(%d+)$")
	return { tonumber(a), tonumber(b), tonumber(c) }
end

local function version_less(x, y)
	local a, b = semver(x), semver(y)
	for i = 1, 3 do
		if a[i] ~= b[i] then return a[i] < b[i] end
	end
	return false
end

local C = {}
C.__index = C

function C:err(code, msg, rec, loc)
	add_diag(self.diags, "error", code, msg, loc or rec.loc, rec.kind, rec.name)
end

-- An error about exception x of the rule named rname.
function C:exc_err(msg, rname, x)
	add_diag(self.diags, "error", "LOAD_ERR_VALIDATE", msg, x.loc, "exception", x.name or "",
		rname)
end

function C:warn(code, msg, rec, loc)
	add_diag(self.diags, "warning", code, msg, loc or rec.loc, rec.kind, rec.name)
end

-- Returns "append", "replace" or nil for a key of an item.
local function mode(rec, key)
	if rec.override then return rec.override[key] end
	if rec.append then return "append" end
	return nil
end

local function joined(prev, prev_parts, piece, loc)
	local parts = {}
	for i, p in ipairs(prev_parts) do parts[i] = p end
	local s = prev .. " " .. piece
	parts[#parts + 1] = { pos = #prev + 2, loc = loc }
	return s, parts
end

local function missing(self, rec, keys)
	for _, k in ipairs(keys) do
		if rec[k] == nil then
			if rec.empty and rec.empty[k] then
				self:err("LOAD_ERR_YAML_VALIDATE", fmt("Mapping for key '%s' is empty", k), rec)
			else
				self:err("LOAD_ERR_YAML_VALIDATE", fmt("Item has no mapping for key '%s'", k),
					rec)
			end
			return true
		end
	end
	return false
end

function C:list(rec)
	if missing(self, rec, { "items" }) then return end
	local prev = self.rs.lists[rec.name]
	local m = mode(rec, "items")
	if m == "append" then
		if not prev then
			self:err("LOAD_ERR_VALIDATE", fmt("List has '%s' key but no list by that name already exists",
				rec.append and "append" or "override"), rec)
			return
		end
		for _, v in ipairs(rec.items) do prev.items[#prev.items + 1] = v end
		return
	end
	-- a replace override of an unknown list defines it, as Falco does
	self.rs.lists[rec.name] = { name = rec.name, items = rec.items, loc = rec.loc }
end

function C:macro(rec)
	if missing(self, rec, { "condition" }) then return end
	local prev = self.rs.macros[rec.name]
	if mode(rec, "condition") == "append" then
		if not prev then
			self:err("LOAD_ERR_VALIDATE", fmt("Macro has '%s' key but no macro by that name already exists",
				rec.append and "append" or "override"), rec)
			return
		end
		prev.condition, prev.cond_parts = joined(prev.condition, prev.cond_parts,
			rec.condition, rec.cond_loc)
		return
	end
	self.rs.macros[rec.name] = {
		name = rec.name, condition = rec.condition, loc = rec.loc, cond_loc = rec.cond_loc,
		cond_parts = { { pos = 1, loc = rec.cond_loc } },
	}
end

-- Merge appended exceptions into a rule's list.
function C:append_exceptions(rule, excs, rec)
	local by = {}
	for _, e in ipairs(rule.exceptions) do by[e.name] = e end
	for _, x in ipairs(excs) do
		local e = by[x.name]
		if e then
			if x.fields or x.comps then
				self:exc_err("Can not append fields or comps to an existing exception, only values",
					rec.name, x)
				return false
			end
			e.values = e.values or {}
			for _, v in ipairs(x.values or {}) do e.values[#e.values + 1] = v end
		else
			if not x.fields then
				self:exc_err("Rule exception must have fields property with a list of fields",
					rec.name, x)
				return false
			end
			local n = copy(x)
			rule.exceptions[#rule.exceptions + 1] = n
			by[n.name] = n
		end
	end
	return true
end

local RULE_DEFAULTS = {
	enabled = true, source = "syscall", warn_evttypes = true,
	skip_if_unknown_filter = false, capture = false,
}
-- record key -> rule field for replace overrides
local FIELD = {
	condition = "condition", output = "output", desc = "desc", priority = "priority",
	tags = "tags", exceptions = "exceptions", enabled = "enabled",
	warn_evttypes = "warn_evttypes", ["skip-if-unknown-filter"] = "skip_if_unknown_filter",
	capture = "capture", capture_duration = "capture_duration",
}

function C:rule_override(rule, rec)
	for key, how in pairs(rec.override) do
		local f = FIELD[key]
		if how == "append" then
			if f == "condition" then
				rule.condition, rule.cond_parts = joined(rule.condition, rule.cond_parts,
					rec.condition, rec.cond_loc)
			elseif f == "output" or f == "desc" then
				rule[f] = rule[f] .. " " .. rec[f]
			elseif f == "tags" then
				for _, t in ipairs(rec.tags) do rule.tags[#rule.tags + 1] = t end
			elseif f == "exceptions" then
				self:append_exceptions(rule, rec.exceptions, rec)
			end
		else
			rule[f] = copy(rec[f])
			if f == "condition" then
				rule.cond_loc = rec.cond_loc
				rule.cond_parts = { { pos = 1, loc = rec.cond_loc } }
			elseif f == "output" then
				rule.output_loc = rec.output_loc
			elseif f == "priority" then
				rule.priority_num = rec.priority_num
			end
		end
	end
end

local ENABLE_ONLY_IGNORED = { rule = true, enabled = true }

function C:rule(rec)
	local rs = self.rs
	local prev = rs.rule_by_name[rec.name]
	if rec.append then
		if rec.condition == nil and rec.exceptions == nil then
			self:err("LOAD_ERR_VALIDATE", "Appended rule must have exceptions or condition property",
				rec)
			return
		end
		if not prev then
			self:err("LOAD_ERR_VALIDATE", "Rule has 'append' key but no rule by that name already exists",
				rec)
			return
		end
		if rec.condition then
			prev.condition, prev.cond_parts = joined(prev.condition, prev.cond_parts,
				rec.condition, rec.cond_loc)
		end
		if rec.exceptions then self:append_exceptions(prev, rec.exceptions, rec) end
		return
	end
	if rec.override then
		if not prev then
			self:err("LOAD_ERR_VALIDATE", "Rule has 'override' key but no rule by that name already exists",
				rec)
			return
		end
		self:rule_override(prev, rec)
		return
	end
	local only_enabled = rec.has.enabled
	for k in pairs(rec.has) do
		if not ENABLE_ONLY_IGNORED[k] then only_enabled = false end
	end
	if only_enabled then
		if not prev then
			self:err("LOAD_ERR_VALIDATE", "Rule has 'enabled' key but no rule by that name already exists",
				rec)
			return
		end
		self:warn("LOAD_DEPRECATED_ITEM", "Setting 'enabled' alone on an existing rule is deprecated: "
			.. "add 'override: {enabled: replace}'", rec)
		prev.enabled = rec.enabled
		return
	end
	if missing(self, rec, { "condition", "output", "desc", "priority" }) then return end
	local r = {
		name = rec.name, desc = rec.desc, condition = rec.condition, output = rec.output,
		priority = rec.priority, priority_num = rec.priority_num, tags = rec.tags or {},
		exceptions = rec.exceptions or {}, capture_duration = rec.capture_duration,
		loc = rec.loc, cond_loc = rec.cond_loc, output_loc = rec.output_loc,
		cond_parts = { { pos = 1, loc = rec.cond_loc } },
	}
	for k, v in pairs(RULE_DEFAULTS) do
		if rec[k] == nil then r[k] = v else r[k] = rec[k] end
	end
	if prev then
		-- a redefinition replaces the rule and keeps its position
		for i, x in ipairs(rs.rules) do
			if x == prev then rs.rules[i] = r break end
		end
	else
		rs.rules[#rs.rules + 1] = r
	end
	rs.rule_by_name[r.name] = r
end

function C:required_engine_version(rec)
	local rs = self.rs
	if version_less(M.ENGINE_VERSION, rec.version) then
		self:err("LOAD_ERR_VALIDATE", fmt("Rules require engine version %s, but engine version is %s",
			rec.written, M.ENGINE_VERSION), rec)
	end
	if not rs.required_engine_version or version_less(rs.required_engine_version, rec.version) then
		rs.required_engine_version = rec.version
	end
end

function C:required_plugin_versions(rec)
	for _, p in ipairs(rec.plugins) do
		self.rs.required_plugins[#self.rs.required_plugins + 1] = p
		local met = M.BUILTIN_PLUGINS[p.name]
		for _, a in ipairs(p.alternatives or {}) do
			met = met or M.BUILTIN_PLUGINS[a.name]
		end
		if not met then
			self:warn("LOAD_UNSATISFIED_PLUGIN", fmt(
				"Plugin '%s' (version %s) is required but saker does not provide it",
				p.name, p.version), rec)
		end
	end
end

-- Exceptions as Falco checks them once a rule is complete.
function C:check_exceptions(rule)
	for _, e in ipairs(rule.exceptions) do
		local fields, comps = e.fields, e.comps
		if type(fields) == "table" then
			if comps ~= nil and (type(comps) ~= "table" or #comps ~= #fields) then
				self:exc_err("Fields and comps lists must have equal length", rule.name, e)
				return false
			end
		elseif comps ~= nil and type(comps) ~= "string" then
			self:exc_err("Fields and comps lists must have equal length", rule.name, e)
			return false
		end
		local cl = type(comps) == "table" and comps or { comps }
		for _, c in ipairs(cl) do
			if not OPERATORS[c] then
				self:exc_err(fmt("'%s' is not a supported comparison operator", c), rule.name, e)
				return false
			end
		end
		if type(fields) == "table" then
			for _, v in ipairs(e.values or {}) do
				if type(v) ~= "table" or #v ~= #fields then
					self:exc_err("Fields and values lists must have equal length", rule.name, e)
					return false
				end
			end
		end
	end
	return true
end

-- Collect records into a ruleset; diagnostics are appended to diags.
function M.collect(items, diags)
	diags = diags or {}
	local rs = {
		lists = {}, macros = {}, rules = {}, rule_by_name = {}, required_plugins = {},
	}
	local self = setmetatable({ rs = rs, diags = diags }, C)
	for _, rec in ipairs(items) do
		self[rec.kind](self, rec)
	end
	local keep = {}
	for _, r in ipairs(rs.rules) do
		if self:check_exceptions(r) then
			keep[#keep + 1] = r
		else
			rs.rule_by_name[r.name] = nil
		end
	end
	rs.rules = keep
	return rs, diags
end

return M
