-- SPDX-License-Identifier: Apache-2.0
-- saker.yaml: YAML text -> trees of located nodes, over lyaml's event
-- parser (Debian lua-yaml, libyaml underneath), which gives marks.
--
-- Node shapes (line and col are 1-based):
--   scalar  { kind = "scalar", value = string, quoted = bool, tag = string|nil,
--             style = "plain"|"single"|"double"|"literal"|"folded", line, col }
--   seq     { kind = "seq", line, col, [1..n] = node }
--   map     { kind = "map", line, col, keys = { key node, ... },
--             values = { value node, ... }, by = { [key string] = value node },
--             dup = the first key node that repeats an earlier key (by holds the last) }
-- Aliases yield the anchored node itself (shared, treat nodes as read-only).
-- Merge keys (`<<: *x` or `<<: [*x, *y]`) add the keys of the merged maps
-- that the map does not set itself, after its own keys.
-- A block scalar (`>` or `|`) is located at its indicator.
--
-- M.load(text, file) -> documents (docs[1..docs.n] are root nodes; an empty
-- document is an empty plain scalar), or nil, err with
-- err = { file, line, col, msg }.
local lyaml = require("yaml")

local M = {}

local parser = lyaml.parser
local tonumber, type, pcall, error = tonumber, type, pcall, error
local collectgarbage = collectgarbage
local match, lower, find = string.match, string.lower, string.find

local STYLE = {
	PLAIN = "plain", SINGLE_QUOTED = "single", DOUBLE_QUOTED = "double",
	LITERAL = "literal", FOLDED = "folded",
}

-- Raised inside the parse loop for errors that lyaml does not detect.
local function fail(line, col, msg)
	error({ line = line, col = col, msg = msg }, 0)
end

local function merge_into(map, src, mark)
	if src.kind ~= "map" then
		fail(mark.line + 1, mark.column + 1, "merge key value is not a mapping")
	end
	for i = 1, #src.keys do
		local k = src.keys[i].value
		if k ~= nil and map.by[k] == nil then
			map.keys[#map.keys + 1] = src.keys[i]
			map.values[#map.values + 1] = src.values[i]
			map.by[k] = src.values[i]
		end
	end
end

-- Add a finished child node to the open container on top of the stack.
local function add(top, node, merges)
	if top.kind == "seq" then
		top[#top + 1] = node
		return
	end
	local pk = top.pending_key
	if pk == nil then
		top.pending_key = node
		return
	end
	top.pending_key = nil
	if pk.kind == "scalar" and pk.value == "<<" and pk.style == "plain" then
		merges[#merges + 1] = { top, node, pk }
		return
	end
	top.keys[#top.keys + 1] = pk
	top.values[#top.values + 1] = node
	if pk.kind == "scalar" then
		local k = pk.value
		if top.by[k] ~= nil and top.dup == nil then
			top.dup = pk
		end
		top.by[k] = node
	end
end

local function parse(text, yield)
	local docs = {}
	local n = 0
	local stack, depth = {}, 0
	local anchors = {}
	local merges = {}
	local root
	for ev in parser(text) do
		n = n + 1
		if yield and n % 512 == 0 then yield() end
		local t = ev.type
		local mark = ev.start_mark
		local node
		if t == "SCALAR" then
			local style = ev.style
			node = {
				kind = "scalar", value = ev.value, style = STYLE[style],
				quoted = style ~= "PLAIN", line = mark.line + 1, col = mark.column + 1,
			}
			if ev.tag then node.tag = ev.tag end
		elseif t == "ALIAS" then
			node = anchors[ev.anchor]
			if node == nil then
				fail(mark.line + 1, mark.column + 1, "unknown anchor '" .. ev.anchor .. "'")
			end
		elseif t == "SEQUENCE_START" or t == "MAPPING_START" then
			local c
			if t == "SEQUENCE_START" then
				c = { kind = "seq", line = mark.line + 1, col = mark.column + 1 }
			else
				c = { kind = "map", line = mark.line + 1, col = mark.column + 1,
				      keys = {}, values = {}, by = {} }
			end
			c.tag = ev.tag
			if ev.anchor then anchors[ev.anchor] = c end
			depth = depth + 1
			stack[depth] = c
		elseif t == "SEQUENCE_END" or t == "MAPPING_END" then
			node = stack[depth]
			stack[depth] = nil
			depth = depth - 1
		elseif t == "DOCUMENT_START" then
			root = nil
			anchors = {}
		elseif t == "DOCUMENT_END" then
			docs[#docs + 1] = root or false
		end
		if node ~= nil then
			if t == "SCALAR" and ev.anchor then anchors[ev.anchor] = node end
			if depth == 0 then
				root = node
			else
				add(stack[depth], node, merges)
			end
		end
	end
	-- Merges last, innermost first (they were recorded as maps closed).
	for i = 1, #merges do
		local m = merges[i]
		local map, v, pk = m[1], m[2], m[3]
		local mark = { line = pk.line - 1, column = pk.col - 1 }
		if v.kind == "seq" then
			for j = 1, #v do merge_into(map, v[j], mark) end
		else
			merge_into(map, v, mark)
		end
	end
	local n = #docs
	for i = 1, n do
		if docs[i] == false then docs[i] = nil end
	end
	docs.n = n
	return docs
end

-- lyaml reports "<problem> at document: N, line: L, column: C" (1-based)
-- and sometimes a context "while ... at line: L, column: C".
local function lyaml_error(e)
	local msg = type(e) == "string" and e or tostring(e)
	local line, col = match(msg, "line: (%d+), column: (%d+)")
	local first = match(msg, "^(.-) at document:") or match(msg, "^([^\n]*)")
	return tonumber(line) or 1, tonumber(col) or 1, first
end

-- yield (optional) is called every few hundred YAML events, so that a hot
-- reload can parse in slices.
function M.load(text, file, yield)
	if type(text) ~= "string" then
		return nil, { file = file, line = 1, col = 1, msg = "not a string" }
	end
	-- The tree grows while lyaml makes a table per event: a longer GC
	-- pause while parsing halves the time of a large file.
	local pause = collectgarbage("setpause", 400)
	local ok, res = pcall(parse, text, yield)
	collectgarbage("setpause", pause)
	if ok then return res end
	local line, col, msg
	if type(res) == "table" then
		line, col, msg = res.line, res.col, res.msg
	else
		line, col, msg = lyaml_error(res)
	end
	return nil, { file = file, line = line, col = col, msg = msg }
end

-- Typed value of a plain scalar, YAML 1.2 core schema (what yaml-cpp and
-- Falco accept): null, booleans, integers (decimal, 0x, 0o), floats.
-- Quoted scalars and !!str stay strings. Returns value, or nil for null.
local NULLS = { [""] = true, ["~"] = true, null = true, Null = true, NULL = true }
local TRUE = { ["true"] = true, True = true, TRUE = true }
local FALSE = { ["false"] = true, False = true, FALSE = true }

function M.scalar(node)
	local v = node.value
	if node.quoted or node.tag == "tag:yaml.org,2002:str" then return v end
	if NULLS[v] then return nil end
	if TRUE[v] then return true end
	if FALSE[v] then return false end
	if find(v, "^[-+]?%d+$") then return tonumber(v) end
	if find(v, "^0x%x+$") then return tonumber(v) end
	if find(v, "^0o[0-7]+$") then return tonumber(v:sub(3), 8) end
	if find(v, "^[-+]?%.?%d[%d.]*[eE]?[-+]?%d*$") and tonumber(v) then
		return tonumber(v)
	end
	local l = lower(v)
	if l == ".inf" or l == "+.inf" then return 1 / 0 end
	if l == "-.inf" then return -1 / 0 end
	if l == ".nan" then return 0 / 0 end
	return v
end

-- Plain Lua value of a node (maps -> tables keyed by string, seqs -> arrays,
-- scalars typed by M.scalar). Nulls inside a sequence become M.null.
M.null = setmetatable({}, { __tostring = function() return "null" end })

function M.plain(node)
	if node == nil then return nil end
	if node.kind == "scalar" then return M.scalar(node) end
	local out = {}
	if node.kind == "seq" then
		for i = 1, #node do
			local v = M.plain(node[i])
			if v == nil then v = M.null end
			out[i] = v
		end
	else
		for i = 1, #node.keys do
			local k = node.keys[i]
			if k.kind == "scalar" then out[k.value] = M.plain(node.values[i]) end
		end
	end
	return out
end

return M
