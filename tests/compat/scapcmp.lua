-- SPDX-License-Identifier: Apache-2.0
-- scapcmp: the values saker and `sysdig -r` give for the same fields of a
-- capture, event by event (keyed by evt.num). Used by scap_sysdig_spec.lua.
local core = require("saker.core")
local ffi, C = core.ffi, core.C

local M = {}

M.fields = { "evt.num", "evt.type", "evt.dir", "proc.name", "proc.pid", "proc.ppid",
	"proc.cmdline", "fd.name", "fd.type", "fd.sip", "fd.sport", "fd.cip", "fd.cport",
	"user.uid" }

local SEP = "|#|"

function M.have_sysdig()
	local p = io.popen("command -v sysdig 2>/dev/null")
	local out = p:read("*a")
	p:close()
	return out ~= ""
end

-- sysdig's rows: { [evt.num] = { values... } }, the count and what sysdig
-- printed on stderr (why it read nothing, say).
function M.sysdig_rows(path, fields)
	local fmt = {}
	for i, f in ipairs(fields or M.fields) do fmt[i] = "%" .. f end
	local errf = os.tmpname()
	-- each row ends with SEP: a value with a newline in it spans lines
	local p = io.popen(string.format("sysdig -r '%s' -p '*%s%s' 2>'%s'", path,
		table.concat(fmt, SEP), SEP, errf))
	local rows, n, acc = {}, 0, nil
	for line in p:lines() do
		acc = acc and acc .. "\n" .. line or line
		if acc:sub(-#SEP) == SEP then
			local vals = {}
			for v in acc:gmatch("(.-)|#|") do vals[#vals + 1] = v end
			if #vals == #(fields or M.fields) then
				rows[tonumber(vals[1])] = vals
				n = n + 1
			end
			acc = nil
		end
	end
	p:close()
	local ef = io.open(errf)
	local err = ef and ef:read("*a") or ""
	if ef then ef:close() end
	os.remove(errf)
	return rows, n, err
end

-- Events sysdig 0.29 does not know (its table ends at 336) are neither
-- shown nor numbered by it; procinfo events are numbered but not shown.
M.SYSDIG029_MAX = 336

-- Internal events sysdig numbers but does not print.
M.hidden = { procinfo = true, container = true, notification = true, infra = true,
	cpu_hotplug = true }

-- saker's rows for the same fields, keyed by the evt.num sysdig 0.29 gives
-- the same event; also the capture status and message.
function M.saker_rows(path, fields)
	fields = fields or M.fields
	local s, oerr = core.open({ read_file = path })
	if not s then return nil, oerr end
	local err = ffi.new("char[256]")
	local hs = {}
	for i, f in ipairs(fields) do
		hs[i] = C.saker_field_bind(s, f, nil, err, 256)
		assert(hs[i] >= 0, ffi.string(err))
	end
	local buf = ffi.new("char[8192]")
	local rows, n, unknown = {}, 0, 0
	while true do
		local ev = C.saker_next(s, 0)
		if ev == nil then break end
		local name = ffi.string(C.saker_evtype_name(ev.type))
		if ev.type >= M.SYSDIG029_MAX then
			unknown = unknown + 1
		elseif not M.hidden[name] then
			local vals = {}
			for i, h in ipairs(hs) do
				local k = C.saker_field_render(s, h, buf, 8192)
				vals[i] = k >= 0 and ffi.string(buf, k) or "<NA>"
			end
			vals.num = tonumber(ev.num)
			rows[tonumber(ev.num) - unknown] = vals
			n = n + 1
		end
	end
	local st = C.saker_capture_status(s, err, 256)
	local msg = ffi.string(err)
	core.close(s)
	return rows, n, st, msg
end

-- Known differences between sysdig 0.29 and saker, by class; everything
-- else is a mismatch. f: field, k: saker's value, v: sysdig's, ty: evt.type.
local function known(f, k, v, ty)
	if f == "user.uid" and v == "4294967295" then
		return "sysdig 0.29: uid not in the capture's user list"
	end
	if f == "evt.type" and k == "syscall" then
		return "generic exit with no nativeID (its enter is not in the capture): saker has no PPM_SC names"
	end
	if f == "evt.type" and v == "<unknown>" and k ~= "" then
		return "generic event: sysdig 0.29 does not know the syscall, saker names it from nativeID"
	end
	if (f == "proc.name" or f == "proc.cmdline") and k == "" and v == "<NA>" then
		return "thread absent from the capture's process list"
	end
	if f == "fd.name" and k == "<NA>" and v == "" then
		return "fd with an empty name: saker reads it as missing"
	end
	if f:match("^fd%.") and v == "<NA>" and (ty == "mmap" or ty == "mmap2") then
		return "sysdig 0.29's table has no EF_USES_FD on mmap"
	end
	if (f == "fd.sip" or f == "fd.cip") and (k == "0.0.0.0" or k == "::") and v == "<NA>"
		or (f == "fd.sport" or f == "fd.cport") and k == "0" and v == "<NA>" then
		return "socket without a connection: saker reads zero addresses"
	end
	if f == "fd.name" and v == "" and k:match("^pipe:%[%d+%]$") then
		return "pipe: saker names it pipe:[inode]"
	end
	if (f == "fd.name" or f == "fd.type") and k == "<NA>" and ty:match("^open") then
		return "failed open: saker has no fd, sysdig shows the path"
	end
	if f == "fd.name" and (k == "<NA>" or k == "") and ty == "connect" and v:find("->", 1, true) then
		return "failed unix connect: saker keeps no fd, sysdig names the tuple"
	end
	if f == "fd.name" and v:sub(1, 1) ~= "/" and k == "/" .. v then
		return "relative path, cwd unknown: saker resolves it against /"
	end
	return nil
end

-- Compare: the number of events compared, the mismatches ("evt.num field:
-- saker=X sysdig=Y", at most max), and the known differences by class.
function M.compare(path, max, fields)
	fields = fields or M.fields
	local srows, sn, serr = M.sysdig_rows(path, fields)
	local krows, kn, st, msg = M.saker_rows(path, fields)
	if not krows then return 0, { "saker: " .. tostring(kn) }, {} end
	local bad, classes, n = {}, {}, 0
	for num, sv in pairs(srows) do
		n = n + 1
		local kv = krows[num]
		if not kv then
			bad[#bad + 1] = string.format("%d: missing in saker", num)
		else
			for i = 2, #fields do
				if kv[i] ~= sv[i] then
					local why = known(fields[i], kv[i], sv[i], sv[2])
					if why then
						classes[why] = (classes[why] or 0) + 1
					elseif #bad < (max or 20) then
						bad[#bad + 1] = string.format("%d %s %s: saker=%q sysdig=%q", num, sv[2],
							fields[i], kv[i], sv[i])
					end
				end
			end
		end
	end
	if kn ~= sn then
		bad[#bad + 1] = string.format("saker shows %d events, sysdig %d %s", kn, sn, serr)
	end
	if st ~= 1 then bad[#bad + 1] = "capture status " .. st .. ": " .. msg end
	return n, bad, classes
end

return M
