-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.load: rules files -> plain item records (stage 1 of 3:
-- load, collect, compile). Checks the shape of every item (types, names,
-- known keys) but not how items relate: that is saker.rules.collect.
--
-- A record:
--   { kind = "rule"|"macro"|"list"|"required_engine_version"
--            |"required_plugin_versions",
--     name = string, loc = {file=, line=, col=}, has = { [key] = true },
--     -- rule:  condition, cond_loc, output, output_loc, desc, priority,
--     --        priority_num, tags, enabled, exceptions, source,
--     --        warn_evttypes, skip_if_unknown_filter, capture,
--     --        capture_duration
--     -- macro: condition, cond_loc       list: items
--     -- all three: append (bool), override = { [key] = "append"|"replace" }
--     -- required_engine_version: version (string "x.y.z"; a bare number N
--     --        is Falco's old form of "0.N.0"), written (as in the file)
--     -- required_plugin_versions: plugins = { {name=, version=,
--     --        alternatives = { {name=, version=} }} }
--   }
-- An exception: { name=, fields = string|{...}|nil, comps = string|{...}|nil,
--   values = { string | { string | {string...} ... } ... }|nil, loc= }
--
-- Diagnostics: { level = "error"|"warning", code=, msg=, file=, line=, col=,
--   item = "rule"|"macro"|"list"|..., name= }; about an exception, item is
--   "exception", name the exception's and rule the rule's. Nothing raises.
local yaml = require("saker.yaml")

local M = {}

local type, pairs, ipairs, tostring = type, pairs, ipairs, tostring
local fmt, lower, find, gsub = string.format, string.lower, string.find, string.gsub
local sort = table.sort
local yscalar = yaml.scalar

M.PRIORITIES = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice",
	"Informational", "Debug",
}
local PRIO = {}
for i, p in ipairs(M.PRIORITIES) do PRIO[lower(p)] = { p, i - 1 } end
PRIO.info = PRIO.informational

-- Normalized priority name and number (0 = Emergency .. 7 = Debug), or nil.
function M.priority(s)
	local p = type(s) == "string" and PRIO[lower(s)]
	if p then return p[1], p[2] end
	return nil
end

local function add_diag(diags, level, code, msg, loc, item, name, rule)
	diags[#diags + 1] = {
		level = level, code = code, msg = msg,
		file = loc and loc.file, line = loc and loc.line, col = loc and loc.col,
		item = item, name = name, rule = rule,
	}
end
M.add_diag = add_diag

function M.format_diag(d)
	local where = d.file or "<rules>"
	if d.line then where = where .. ":" .. d.line .. ":" .. (d.col or 1) end
	local what = ""
	if d.item then
		what = d.name and d.name ~= "" and fmt("%s '%s': ", d.item, d.name)
			or d.item .. ": "
	end
	return fmt("%s: %s: %s%s%s", where, d.level, what, d.msg,
		d.code and " [" .. d.code .. "]" or "")
end

local KEYS = {
	rule = {
		rule = true, desc = true, condition = true, output = true, priority = true,
		tags = true, enabled = true, exceptions = true, source = true,
		warn_evttypes = true, ["skip-if-unknown-filter"] = true, append = true,
		override = true, capture = true, capture_duration = true,
	},
	macro = { macro = true, condition = true, append = true, override = true },
	list = { list = true, items = true, append = true, override = true },
}
local EXC_KEYS = { name = true, fields = true, comps = true, values = true }

local function nloc(file, node)
	return { file = file, line = node.line, col = node.col }
end

-- One item being decoded: its file, kind, name and the diags list.
local Item = {}
Item.__index = Item

function Item:err(code, msg, node)
	add_diag(self.diags, "error", code, msg, node and nloc(self.file, node) or self.loc,
		self.kind, self.name)
	self.bad = true
end

-- An error about an exception of this rule: item "exception", named by the
-- exception (as Falco reports them), with the rule's name in `rule`.
function Item:exc_err(code, msg, node, xname)
	add_diag(self.diags, "error", code, msg, nloc(self.file, node), "exception", xname or "",
		self.name)
	self.bad = true
end

function Item:warn(code, msg, node)
	add_diag(self.diags, "warning", code, msg, node and nloc(self.file, node) or self.loc,
		self.kind, self.name)
end

local function is_null(node)
	return node.kind == "scalar" and not node.quoted and yscalar(node) == nil
end

-- A string value: any non-null scalar.
function Item:str(node, key)
	if node.kind ~= "scalar" then
		self:err("LOAD_ERR_YAML_VALIDATE", fmt("Key '%s' must be a string", key), node)
		return nil
	end
	return node.value
end

local BOOLS = {
	["true"] = true, True = true, TRUE = true, yes = true, Yes = true, YES = true,
	on = true, On = true, ON = true, y = true, Y = true,
	["false"] = false, False = false, FALSE = false, no = false, No = false,
	NO = false, off = false, Off = false, OFF = false, n = false, N = false,
}

function Item:bool(node, key)
	local b = node.kind == "scalar" and BOOLS[node.value]
	if b == nil then
		self:err("LOAD_ERR_YAML_VALIDATE",
			fmt("Can't decode YAML scalar value: key '%s' must be a boolean", key), node)
	end
	return b
end

-- A sequence of strings (a null value is an empty list).
function Item:strings(node, key)
	if is_null(node) then return {} end
	if node.kind ~= "seq" then
		self:err("LOAD_ERR_YAML_VALIDATE", fmt("Key '%s' must be a sequence of strings", key), node)
		return nil
	end
	local out = {}
	for i = 1, #node do
		local v = node[i]
		if v.kind ~= "scalar" then
			self:err("LOAD_ERR_YAML_VALIDATE",
				fmt("Key '%s' must be a sequence of strings", key), v)
			return nil
		end
		out[i] = v.value
	end
	return out
end

-- string or list of strings (exception fields and comps)
function Item:str_or_strings(node, key)
	if node.kind == "scalar" then return node.value end
	return self:strings(node, key)
end

-- exception values: a list whose entries are strings or lists of
-- (strings or lists of strings)
function Item:exc_values(node)
	if is_null(node) then return {} end
	if node.kind ~= "seq" then
		self:err("LOAD_ERR_YAML_VALIDATE", "Rule exception values must be a sequence", node)
		return nil
	end
	local out = {}
	for i = 1, #node do
		local v = node[i]
		if v.kind == "scalar" then
			out[i] = v.value
		elseif v.kind == "seq" then
			local t = {}
			for j = 1, #v do
				local e = v[j]
				if e.kind == "scalar" then
					t[j] = e.value
				else
					t[j] = self:strings(e, "values")
					if not t[j] then return nil end
				end
			end
			out[i] = t
		else
			self:err("LOAD_ERR_YAML_VALIDATE",
				"Rule exception values must be strings or sequences", v)
			return nil
		end
	end
	return out
end

function Item:exceptions(node, appending)
	if is_null(node) then return {} end
	if node.kind ~= "seq" then
		self:err("LOAD_ERR_YAML_VALIDATE", "Rule exceptions must be a sequence", node)
		return nil
	end
	local out = {}
	for i = 1, #node do
		local e = node[i]
		if e.kind ~= "map" then
			self:err("LOAD_ERR_YAML_VALIDATE", "Rule exception must be a mapping", e)
			return nil
		end
		local x = { loc = nloc(self.file, e) }
		for k = 1, #e.keys do
			local kn = e.keys[k]
			if kn.kind ~= "scalar" or not EXC_KEYS[kn.value] then
				self:warn("LOAD_UNKNOWN_KEY", fmt("Unknown key '%s' in rule exception",
					kn.kind == "scalar" and kn.value or "?"), kn)
			end
		end
		local by = e.by
		if by.name == nil or is_null(by.name) then
			self:exc_err("LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'name'", e)
			return nil
		end
		x.name = self:str(by.name, "name")
		if by.fields and not is_null(by.fields) then
			x.fields = self:str_or_strings(by.fields, "fields")
		elseif not appending then
			self:exc_err("LOAD_ERR_YAML_VALIDATE", "Item has no mapping for key 'fields'", e,
				x.name)
			return nil
		end
		if by.comps and not is_null(by.comps) then
			x.comps = self:str_or_strings(by.comps, "comps")
		end
		if by.values then x.values = self:exc_values(by.values) end
		if self.bad then return nil end
		out[i] = x
	end
	return out
end

local OVERRIDE_OK = {
	rule = {
		append = { condition = true, output = true, desc = true, tags = true, exceptions = true },
		replace = {
			condition = true, output = true, desc = true, priority = true, tags = true,
			exceptions = true, enabled = true, warn_evttypes = true,
			["skip-if-unknown-filter"] = true, capture = true, capture_duration = true,
		},
	},
	macro = { append = { condition = true }, replace = { condition = true } },
	list = { append = { items = true }, replace = { items = true } },
}

function Item:override(node)
	if node.kind ~= "map" then
		self:err("LOAD_ERR_YAML_VALIDATE", "Key 'override' must be a mapping", node)
		return nil
	end
	local out = {}
	local ok = OVERRIDE_OK[self.kind]
	for i = 1, #node.keys do
		local k, v = node.keys[i], node.values[i]
		local how = v.kind == "scalar" and v.value
		if how ~= "append" and how ~= "replace" then
			self:err("LOAD_ERR_OVERRIDE", fmt(
				"Override for key '%s' must be 'append' or 'replace'", k.value), v)
			return nil
		end
		if not ok[how][k.value] then
			local alt = how == "append" and "replace" or "append"
			self:err("LOAD_ERR_OVERRIDE", fmt("Key '%s' cannot be %s%s", k.value,
				how == "append" and "appended to" or "replaced",
				ok[alt][k.value] and ", use '" .. alt .. "' instead" or ""), v)
			return nil
		end
		out[k.value] = how
	end
	return out
end

local function decode_common(it, by, rec)
	if by.append then rec.append = it:bool(by.append, "append") end
	if by.override then rec.override = it:override(by.override) end
	if rec.append and rec.override then
		it:err("LOAD_ERR_OVERRIDE", "Keys 'override' and 'append: true' cannot be used together",
			by.override)
	end
	if rec.append then
		it:warn("LOAD_DEPRECATED_ITEM",
			"The 'append' key is deprecated: use 'override' instead", by.append)
	end
	if rec.override then
		for k in pairs(rec.override) do
			if not rec.has[k] then
				it:err("LOAD_ERR_OVERRIDE", fmt(
					"An %s override for '%s' was specified but '%s' is not defined",
					rec.override[k], k, k), by.override)
			end
		end
		-- Every key set next to an override must be listed in it.
		for k in pairs(rec.has) do
			if k ~= it.kind and k ~= "override" and not rec.override[k] then
				it:err("LOAD_ERR_OVERRIDE", fmt(
					"Unexpected key '%s': an item with 'override' may only set the keys it lists",
					k), by[k])
			end
		end
	end
end

local function text_key(it, by, rec, key, locname)
	local n = by[key]
	if n == nil then return end
	if is_null(n) then
		rec[key] = nil
		rec.has[key] = nil
		it.empty = it.empty or {}
		it.empty[key] = n
		return
	end
	rec[key] = it:str(n, key)
	if locname then rec[locname] = nloc(it.file, n) end
end

local function decode_rule(it, by, rec)
	text_key(it, by, rec, "condition", "cond_loc")
	text_key(it, by, rec, "output", "output_loc")
	text_key(it, by, rec, "desc")
	text_key(it, by, rec, "source")
	if by.priority and not is_null(by.priority) then
		local s = it:str(by.priority, "priority")
		if s then
			rec.priority, rec.priority_num = M.priority(s)
			if not rec.priority then
				it:err("LOAD_ERR_YAML_VALIDATE", fmt("Invalid priority '%s'", s), by.priority)
			end
		end
	end
	if by.tags then rec.tags = it:strings(by.tags, "tags") end
	if by.enabled then rec.enabled = it:bool(by.enabled, "enabled") end
	if by.warn_evttypes then rec.warn_evttypes = it:bool(by.warn_evttypes, "warn_evttypes") end
	local sk = by["skip-if-unknown-filter"]
	if sk then rec.skip_if_unknown_filter = it:bool(sk, "skip-if-unknown-filter") end
	if by.capture then rec.capture = it:bool(by.capture, "capture") end
	if by.capture_duration then
		local d = by.capture_duration.kind == "scalar" and yscalar(by.capture_duration)
		if type(d) ~= "number" then
			it:err("LOAD_ERR_YAML_VALIDATE", "Key 'capture_duration' must be a number",
				by.capture_duration)
		end
		rec.capture_duration = d
	end
	decode_common(it, by, rec)
	if by.exceptions then
		local appending = rec.append or (rec.override and rec.override.exceptions == "append")
		rec.exceptions = it:exceptions(by.exceptions, appending)
	end
end

local function decode_macro(it, by, rec)
	text_key(it, by, rec, "condition", "cond_loc")
	decode_common(it, by, rec)
end

local function decode_list(it, by, rec)
	if by.items then rec.items = it:strings(by.items, "items") end
	decode_common(it, by, rec)
end

local DECODE = { rule = decode_rule, macro = decode_macro, list = decode_list }

local function decode_engine_version(it, node, rec)
	local v = node.kind == "scalar" and yscalar(node)
	rec.written = node.value
	if type(v) == "number" and v >= 0 and v % 1 == 0 then
		rec.version = "0." .. fmt("%d", v) .. ".0"
	elseif type(v) == "string" and find(v, "^%d+%.%d+%.%d+$") then
		rec.version = v
	else
		it:err("LOAD_ERR_YAML_VALIDATE", "Can't decode YAML scalar value", node)
	end
end

local function decode_plugins(it, node, rec)
	rec.plugins = {}
	if node.kind ~= "seq" then
		it:err("LOAD_ERR_YAML_VALIDATE", "Value of required_plugin_versions must be a sequence", node)
		return
	end
	local function one(m)
		if m.kind ~= "map" or not m.by.name or not m.by.version
			or m.by.name.kind ~= "scalar" or m.by.version.kind ~= "scalar" then
			it:err("LOAD_ERR_YAML_VALIDATE",
				"Each required plugin needs a 'name' and a 'version'", m)
			return nil
		end
		return { name = m.by.name.value, version = m.by.version.value }
	end
	for i = 1, #node do
		local p = one(node[i])
		if not p then return end
		local alts = node[i].by.alternatives
		p.alternatives = {}
		if alts and alts.kind == "seq" then
			for j = 1, #alts do
				p.alternatives[j] = one(alts[j])
				if not p.alternatives[j] then return end
			end
		end
		rec.plugins[#rec.plugins + 1] = p
	end
end

local function decode_item(file, node, items, diags)
	local loc = nloc(file, node)
	if node.kind ~= "map" then
		add_diag(diags, "error", "LOAD_ERR_YAML_VALIDATE",
			"Unexpected element type. Each element should be a yaml associative array.",
			loc, "rules content item", "")
		return
	end
	local by = node.by
	local kind
	for _, k in ipairs({ "rule", "macro", "list", "required_engine_version",
		"required_plugin_versions" }) do
		if by[k] then kind = k break end
	end
	if not kind then
		local first = node.keys[1]
		add_diag(diags, "warning", "LOAD_UNKNOWN_ITEM", fmt("Unknown top level item '%s'",
			first and first.kind == "scalar" and first.value or "?"), loc,
			"rules content item", "")
		return
	end
	local it = setmetatable({ file = file, kind = kind, name = "", diags = diags, loc = loc },
		Item)
	local rec = { kind = kind, loc = loc, has = {}, name = "" }
	if kind == "required_engine_version" then
		decode_engine_version(it, by[kind], rec)
	elseif kind == "required_plugin_versions" then
		decode_plugins(it, by[kind], rec)
	else
		local nn = by[kind]
		if is_null(nn) or nn.kind ~= "scalar" or nn.value == "" then
			it:err("LOAD_ERR_YAML_VALIDATE", fmt("Mapping for key '%s' is empty", kind), nn)
			return
		end
		rec.name = nn.value
		it.name = nn.value
		if node.dup then
			it:warn("LOAD_DUPLICATE_KEY", fmt("Key '%s' is set twice: the last value is used",
				node.dup.value), node.dup)
		end
		for i = 1, #node.keys do
			local k = node.keys[i]
			local kv = k.kind == "scalar" and k.value
			if kv and KEYS[kind][kv] then
				rec.has[kv] = true
			else
				it:warn("LOAD_UNKNOWN_KEY", fmt("Unknown key '%s'", kv or "?"), k)
			end
		end
		DECODE[kind](it, by, rec)
		rec.empty = it.empty
	end
	if it.bad then return end
	items[#items + 1] = rec
end

-- Decode one file's text into records appended to items.
function M.text(text, file, items, diags, yield)
	local docs, err = yaml.load(text, file, yield)
	if not docs then
		add_diag(diags, "error", "LOAD_ERR_YAML_PARSE", err.msg,
			{ file = file, line = err.line, col = err.col }, "rules content", "")
		return false
	end
	local ok = true
	for d = 1, docs.n do
		local root = docs[d]
		if root.kind == "seq" then
			for i = 1, #root do decode_item(file, root[i], items, diags) end
		elseif not is_null(root) then
			ok = false
			add_diag(diags, "error", "LOAD_ERR_YAML_VALIDATE",
				root.kind == "scalar" and "Rules content is not yaml"
					or "Rules content is not yaml array of objects",
				nloc(file, root), "rules content", "")
		end
	end
	return ok
end

local read = require("saker.fs").read

local function shquote(s)
	return "'" .. gsub(s, "'", "'\\''") .. "'"
end

-- The *.yaml and *.yml files of a directory, sorted by name; nil if path
-- is not a directory.
local function dir_files(path)
	local p = io.popen("if test -d " .. shquote(path) .. "; then echo D; ls -1A -- "
		.. shquote(path) .. "; fi 2>/dev/null")
	if not p then return nil end
	local names = {}
	local isdir = p:read("*l") == "D"
	for name in p:lines() do
		if find(name, "%.ya?ml$") then names[#names + 1] = name end
	end
	p:close()
	if not isdir then return nil end
	sort(names)
	for i = 1, #names do names[i] = path .. "/" .. names[i] end
	return names
end

-- The files a list of paths stands for, in load order.
function M.expand(paths)
	local out = {}
	for _, p in ipairs(paths) do
		local files = dir_files(p)
		if files then
			for _, f in ipairs(files) do out[#out + 1] = f end
		else
			out[#out + 1] = p
		end
	end
	return out
end

-- Read files (or directories of *.yaml/*.yml) into records.
-- Returns items, diags, files (the files read, in order). yield (optional)
-- is called while parsing (hot reload builds in slices).
function M.files(paths, diags, yield)
	if type(paths) ~= "table" then paths = { paths ~= nil and tostring(paths) or nil } end
	diags = diags or {}
	local items = {}
	local files = M.expand(paths)
	for _, path in ipairs(files) do
		local text, err = read(path)
		if not text then
			add_diag(diags, "error", "LOAD_ERR_FILE_READ", "Could not read file: " .. tostring(err),
				{ file = path }, "rules content", "")
		else
			M.text(text, path, items, diags, yield)
		end
	end
	return items, diags, files
end

-- Both stages: read the files and collect them into a ruleset; rs.files
-- lists the files read, in order (what a watcher has to watch).
function M.ruleset(paths, yield)
	local items, diags, files = M.files(paths, nil, yield)
	local collect = require("saker.rules.collect")
	local rs = collect.collect(items, diags)
	rs.files = files
	return rs, diags
end

-- True if diags hold an error.
function M.has_errors(diags)
	for _, d in ipairs(diags) do
		if d.level == "error" then return true end
	end
	return false
end

return M
