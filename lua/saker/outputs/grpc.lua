-- SPDX-License-Identifier: Apache-2.0
-- saker.outputs.grpc: the gRPC channel (core/out_grpc.cc), serving Falco's
-- falco.outputs.service and falco.version.service (core/proto/). Each
-- alert is encoded here, once, as a falco.outputs.response (protobuf wire
-- format) and pushed into the channel's queue like any other channel's
-- line; the C side hands the bytes to every subscribed client as they are.
-- M.list(cfg) -> the channel's descriptor when grpc.enabled and
-- grpc_output.enabled are both set.
local alert = require("saker.alert")
local json = require("saker.json")
local version = require("saker.version")

local M = {}

local char, concat, floor, format = string.char, table.concat, math.floor, string.format
local sort, tostring, type = table.sort, tostring, type

-- falco.schema.source: the deprecated enum beside the source string.
local SOURCE = { syscall = 0, k8s_audit = 1, internal = 2 }
local PLUGIN_SOURCE = 3

local NS = 1000000000

local function varint(out, n)
	while n >= 128 do
		out[#out + 1] = char(n % 128 + 128)
		n = floor(n / 128)
	end
	out[#out + 1] = char(n)
end

-- Field numbers fit in one tag byte (< 16).
local function num(out, field, n)
	out[#out + 1] = char(field * 8)
	varint(out, n)
end

local function bytes(out, field, s)
	out[#out + 1] = char(field * 8 + 2)
	varint(out, #s)
	out[#out + 1] = s
end

-- An output field's value as the map<string, string> holds it: numbers as
-- their digits, booleans as true/false, a missing value as <NA>.
local function text(v)
	local t = type(v)
	if t == "string" then return v end
	if v == nil or v == json.null then return "<NA>" end
	if t == "number" and floor(v) == v and v > -2^53 and v < 2^53 then return format("%d", v) end
	if t == "cdata" then return (tostring(v):gsub("U?LL$", "")) end
	return tostring(v)
end
M.text = text

local function seconds_nanos(ts)
	if type(ts) == "number" then return floor(ts / NS), ts % NS end
	return tonumber(ts / NS), tonumber(ts % NS)
end

-- a: an alert (saker.alert.build) -> its falco.outputs.response bytes.
function M.encode(a, cfg)
	local out, sub = {}, {}
	local s, ns = seconds_nanos(a.ts)
	if s > 0 then num(sub, 1, s) end
	if ns > 0 then num(sub, 2, ns) end
	bytes(out, 1, concat(sub))
	num(out, 2, a.priority_num or 5)
	num(out, 3, SOURCE[a.source] or PLUGIN_SOURCE)
	bytes(out, 4, a.rule)
	bytes(out, 5, alert.text(a, cfg))
	local keys = {}
	for k in pairs(a.output_fields or {}) do keys[#keys + 1] = k end
	sort(keys)
	for _, k in ipairs(keys) do
		local e = {}
		bytes(e, 1, k)
		bytes(e, 2, text(a.output_fields[k]))
		bytes(out, 6, concat(e))
	end
	bytes(out, 7, a.hostname)
	for _, t in ipairs(a.tags or {}) do bytes(out, 8, t) end
	bytes(out, 9, a.source)
	return concat(out)
end

local function on(t) return type(t) == "table" and t.enabled == true end

-- A TCP bind address without the three mTLS files, or nil when fine.
function M.check(cfg)
	local g = cfg.grpc or {}
	if not on(g) or not on(cfg.grpc_output) then return nil end
	local addr = tostring(g.bind_address or "")
	if addr:sub(1, 5) == "unix:" then return nil end
	local function set(k) return type(g[k]) == "string" and g[k] ~= "" end
	if set("private_key") and set("cert_chain") and set("root_certs") then return nil end
	return format("grpc.bind_address %s is a TCP address: it needs mutual TLS "
		.. "(grpc.private_key, grpc.cert_chain, grpc.root_certs), or use unix:///PATH", addr)
end

function M.list(cfg)
	local g = cfg.grpc or {}
	if not on(g) or not on(cfg.grpc_output) then return {} end
	return { {
		kind = "grpc",
		format = function(a) return M.encode(a, cfg) end,
		opts = {
			target = g.bind_address, threads = g.threadiness,
			client_key = g.private_key, client_cert = g.cert_chain, ca_cert = g.root_certs,
			version = version.saker .. " " .. version.engine,
			queue_kb = cfg.outputs and cfg.outputs.queue_kb,
		},
	} }
end

return M
