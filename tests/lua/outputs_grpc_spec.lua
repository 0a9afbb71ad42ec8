-- SPDX-License-Identifier: Apache-2.0
-- The gRPC channel without the probe: alerts encoded by
-- saker.outputs.grpc, decoded by Python's protobuf (stubs generated from
-- core/proto/), and the channel served on a temp unix socket to a real
-- grpcio client (tests/live/grpc_client.py); the config check of TCP
-- addresses.
local u = require("outputs_util")
local json = require("dkjson")
local ffi = require("ffi")
local sjson = require("saker.json")
local grpc = require("saker.outputs.grpc")
local alert = require("saker.alert")

local PY = "/usr/bin/python3"
local CLIENT = u.home .. "/tests/live/grpc_client.py"
local has_grpc = u.sh(PY .. " -c 'import grpc, grpc_tools' 2>/dev/null")
local describe_py = has_grpc and describe or pending

local DECODE = [[
import json, sys
sys.path.insert(0, sys.argv[1])
import outputs_pb2
r = outputs_pb2.response()
r.ParseFromString(open(sys.argv[2], "rb").read())
print(json.dumps({"seconds": r.time.seconds, "nanos": r.time.nanos, "priority": r.priority,
    "source_deprecated": r.source_deprecated, "rule": r.rule, "output": r.output,
    "output_fields": dict(r.output_fields), "hostname": r.hostname, "tags": list(r.tags),
    "source": r.source}))
]]

describe_py("gRPC output", function()
	local dir, stubs

	setup(function()
		dir = u.tmpdir()
		stubs = dir .. "/stubs"
		assert(u.sh("mkdir -p " .. stubs .. " && " .. PY .. " -m grpc_tools.protoc -I" .. u.home
			.. "/core/proto --python_out=" .. stubs .. " --grpc_python_out=" .. stubs .. " "
			.. u.home .. "/core/proto/*.proto"))
		local f = assert(io.open(dir .. "/decode.py", "w"))
		f:write(DECODE)
		f:close()
	end)

	teardown(function() u.sh("rm -rf " .. dir) end)

	local function decode(bytes)
		local f = assert(io.open(dir .. "/msg.bin", "wb"))
		f:write(bytes)
		f:close()
		return json.decode(u.capture(PY .. " " .. dir .. "/decode.py " .. stubs .. " " .. dir .. "/msg.bin"))
	end

	local cfg = u.config({})

	it("encodes every field of falco.outputs.response", function()
		local fields = {
			["proc.name"] = "cat", ["proc.pid"] = 42, ["evt.res"] = -5,
			["big"] = ffi.new("int64_t", 2) ^ 60 + 1, ["fd.sip"] = sjson.null,
			["evt.is_open_write"] = true, ["fd.name"] = "/etc/caf\195\169 \"x\"",
		}
		local a = alert.build({ name = "r \226\156\147", priority = "Emergency", priority_num = 0,
			tags = { "zeta", "alpha" } }, 1700000000123456789ULL, "msg", fields)
		local r = decode(grpc.encode(a, cfg))
		assert.equals(1700000000, r.seconds)
		assert.equals(123456789, r.nanos)
		assert.equals(0, r.priority)
		assert.equals(0, r.source_deprecated)
		assert.equals("syscall", r.source)
		assert.equals("r \226\156\147", r.rule)
		assert.equals(alert.text(a, cfg), r.output)
		assert.equals(alert.hostname, r.hostname)
		assert.same({ "alpha", "zeta" }, r.tags)
		assert.same({
			["proc.name"] = "cat", ["proc.pid"] = "42", ["evt.res"] = "-5",
			["big"] = "1152921504606846977", ["fd.sip"] = "<NA>", ["evt.is_open_write"] = "true",
			["fd.name"] = "/etc/caf\195\169 \"x\"", ["evt.time"] = "1700000000123456789",
		}, r.output_fields)
	end)

	it("maps sources and priorities to falco.schema's enums", function()
		local cases = { { "syscall", 0 }, { "k8s_audit", 1 }, { "internal", 2 }, { "aws_cloudtrail", 3 } }
		for i, c in ipairs(cases) do
			local a = alert.build({ name = "r", priority = "Debug", priority_num = 7 }, 5ULL, "m", {}, c[1])
			local r = decode(grpc.encode(a, cfg))
			assert.equals(c[2], r.source_deprecated, c[1])
			assert.equals(c[1], r.source)
			assert.equals(7, r.priority, i)
			assert.equals(0, r.seconds)
			assert.equals(5, r.nanos)
			assert.same({}, r.tags)
		end
	end)

	it("serves the alerts emitted through the channel set to get, then nothing", function()
		local outputs = require("saker.outputs")
		local sock = dir .. "/run/s.sock"
		local outs = outputs.open(u.config({ "grpc.enabled=true", "grpc_output.enabled=true",
			"grpc.bind_address=unix://" .. sock }))
		local ok, err = pcall(function()
			outs:emit(u.alert("first"))
			outs:emit(u.alert("second", "critical"))
			outs:flush()
			assert.is_true(u.wait(function() return outs:stats().grpc.sent == 2 end))
			local got = {}
			for l in u.capture(PY .. " " .. CLIENT .. " " .. stubs .. " unix://" .. sock .. " get"):gmatch("[^\n]+") do
				got[#got + 1] = json.decode(l)
			end
			assert.equals(2, #got)
			assert.equals("first", got[1].rule)
			assert.equals("second", got[2].rule)
			assert.equals(2, got[2].priority)
			assert.equals("", u.capture(PY .. " " .. CLIENT .. " " .. stubs .. " unix://" .. sock .. " get"))
		end)
		outs:close()
		assert(ok, err)
		assert.is_false(u.sh("test -e " .. sock)) -- removed at close
	end)

	it("keeps subscribers connected when a reload opens new outputs beside the old", function()
		local outputs = require("saker.outputs")
		local sock = dir .. "/reload.sock"
		local old = outputs.open(u.config({ "grpc.enabled=true", "grpc_output.enabled=true",
			"grpc.bind_address=unix://" .. sock }))
		local out = dir .. "/sub.out"
		local p = io.popen(PY .. " " .. CLIENT .. " " .. stubs .. " unix://" .. sock
			.. " sub 2 10 >" .. out .. " 2>&1 & echo $!")
		local pid = p:read("*l")
		p:close()
		local new
		local ok, err = pcall(function()
			assert.is_true(u.wait(function() return u.read(out):find("ready\n", 1, true) ~= nil end, 10),
				u.read(out))
			old:emit(u.alert("before"))
			-- grpc is read at start: the new set shares the running server
			new = outputs.open(u.config({ "grpc.enabled=true", "grpc_output.enabled=true",
				"grpc.bind_address=unix://" .. dir .. "/other.sock" }))
			old:close()
			assert.is_false(u.sh("test -e " .. dir .. "/other.sock"))
			new:emit(u.alert("after"))
			assert.is_true(u.wait(function() return #u.lines(out) >= 3 end, 10), u.read(out))
			local l = u.lines(out)
			assert.equals("before", json.decode(l[2]).rule)
			assert.equals("after", json.decode(l[3]).rule)
		end)
		if new then new:close() end
		u.sh("kill " .. pid .. " 2>/dev/null")
		assert(ok, err)
		assert.is_false(u.sh("test -e " .. sock))
	end)
end)

describe("gRPC config", function()
	local config = require("saker.config")
	local function load(list)
		local all = { "grpc.enabled=true", "grpc_output.enabled=true" }
		for _, o in ipairs(list) do all[#all + 1] = o end
		return config.load(nil, all)
	end

	it("refuses a TCP address without the three mTLS files", function()
		local cfg, diags = load({ "grpc.bind_address=0.0.0.0:5060", "grpc.private_key=/k" })
		assert.is_nil(cfg)
		assert.matches("needs mutual TLS", diags[1].msg)
	end)

	it("takes a unix socket, or TCP with mTLS, or TCP while grpc is off", function()
		assert.is_not_nil(load({}))
		assert.is_not_nil(load({ "grpc.bind_address=127.0.0.1:5060", "grpc.private_key=/k",
			"grpc.cert_chain=/c", "grpc.root_certs=/r" }))
		assert.is_not_nil(config.load(nil, { "grpc.bind_address=127.0.0.1:5060" }))
	end)
end)
