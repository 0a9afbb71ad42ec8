-- SPDX-License-Identifier: Apache-2.0
-- saker.rules.append: falco.yaml's `append_output`, a list of entries
-- applied in order to the rules they match:
--   - match: {source: syscall, rule: NAME, tags: [a, b]}   (all must hold;
--     no match: every rule; tags: the rule has every one of them)
--     extra_output: "on CPU %evt.cpu"        appended to the output line
--     extra_fields: [evt.hostname, {home: "${HOME}"}]
--       a field's value, or a fixed value, under its name in output_fields
--       only (not in the text).
local core = require("saker.core")

local M = {}

local function strings(t)
	if type(t) ~= "table" then return false end
	for _, v in ipairs(t) do
		if type(v) ~= "string" then return false end
	end
	return true
end

-- A config error, or nil.
function M.check(list)
	if type(list) ~= "table" then return "'append_output' must be a list of entries" end
	for i, e in ipairs(list) do
		local where = "append_output[" .. i .. "]"
		if type(e) ~= "table" then return where .. " must be a mapping" end
		local m = e.match
		if m ~= nil and (type(m) ~= "table" or (m.source ~= nil and type(m.source) ~= "string")
			or (m.rule ~= nil and type(m.rule) ~= "string") or (m.tags ~= nil and not strings(m.tags))) then
			return where .. ".match takes source (a string), rule (a string) and tags (a list of strings)"
		end
		if e.extra_output ~= nil and type(e.extra_output) ~= "string" then
			return where .. ".extra_output must be a string"
		end
		local pieces, perr = require("saker.rules.output").parse(e.extra_output or "")
		if not pieces then return where .. ".extra_output: " .. perr end
		for _, p in ipairs(pieces) do
			if type(p) == "table" and core.C.saker_field_find(p.key) < 0 then
				return where .. ".extra_output: unknown field '" .. p.key .. "'"
			end
		end
		if e.extra_fields ~= nil and type(e.extra_fields) ~= "table" then
			return where .. ".extra_fields must be a list"
		end
		for _, f in ipairs(e.extra_fields or {}) do
			if type(f) == "string" then
				if core.C.saker_field_find(f) < 0 then
					return where .. ".extra_fields: unknown field '" .. f .. "'"
				end
			elseif type(f) ~= "table" or next(f) == nil or next(f, next(f)) ~= nil
				or type(select(2, next(f))) == "table" then
				return where .. ".extra_fields entries are a field name or {name: value}"
			end
		end
	end
	return nil
end

local function matches(m, rule)
	if not m then return true end
	if m.source and m.source ~= (rule.source or "syscall") then return false end
	if m.rule and m.rule ~= rule.name then return false end
	for _, want in ipairs(m.tags or {}) do
		local has = false
		for _, t in ipairs(rule.tags or {}) do
			if t == want then has = true break end
		end
		if not has then return false end
	end
	return true
end

-- The rule's output text with what the entries append, and the extra
-- fields for output.compile: { {name = "evt.hostname"}, {name = "home", value = "/root"} }.
function M.apply(list, rule)
	local text, extra = rule.output or "", {}
	for _, e in ipairs(list or {}) do
		if matches(e.match, rule) then
			if e.extra_output and e.extra_output ~= "" then text = text .. " " .. e.extra_output end
			for _, f in ipairs(e.extra_fields or {}) do
				if type(f) == "string" then
					extra[#extra + 1] = { name = f }
				else
					local k, v = next(f)
					extra[#extra + 1] = { name = tostring(k), value = tostring(v) }
				end
			end
		end
	end
	return text, extra
end

return M
