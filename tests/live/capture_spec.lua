-- SPDX-License-Identifier: Apache-2.0
-- Live capture: the real probe as root, real programs, rules of the test's
-- own; each case asserts the alert's fields as the agent extracted them.
local agent = require("agent")

local rules = [[
- rule: live open
  desc: a file below the test's directory opened for writing
  condition: evt.type in (open, openat, openat2, creat) and fd.name startswith "%DIR%/" and evt.is_open_write = true
  output: opened %fd.name dir=%fd.directory flags=%evt.arg.flags user=%user.name cmd=%proc.cmdline
  priority: WARNING
  tags: [live]
- rule: live exec chain
  desc: the last program of a three-deep exec chain
  condition: evt.type in (execve, execveat) and proc.cmdline contains "saker-chain-%TAG%"
  output: exec %proc.name parent=%proc.pname a2=%proc.aname[2] a3=%proc.aname[3] cmd=%proc.cmdline
  priority: NOTICE
- rule: live connect
  desc: a connect to the test's loopback listener
  condition: evt.type = connect and fd.sport = %PORT% and fd.sip = 127.0.0.1
  output: connect %fd.name sip=%fd.sip sport=%fd.sport proc=%proc.name
  priority: NOTICE
- rule: live symlink
  desc: a symlink made in the test's directory
  condition: evt.type in (symlink, symlinkat) and evt.arg.linkpath contains "%TAG%"
  output: symlink %evt.arg.target -> %evt.arg.linkpath
  priority: NOTICE
- rule: live chmod
  desc: a setuid bit set in the test's directory
  condition: evt.type in (chmod, fchmodat) and evt.arg.filename contains "%TAG%"
  output: chmod %evt.arg.filename mode=%evt.arg.mode
  priority: NOTICE
- rule: live unshare
  desc: a new user namespace
  condition: evt.type = unshare and proc.name = unshare
  output: unshare flags=%evt.arg.flags
  priority: NOTICE
]]

local describe_live = agent.is_root() and describe or pending

describe_live("live capture", function()
	local a, dir, tag, port

	setup(function()
		dir = agent.tmpdir()
		tag = dir:match("([^/]+)$")
		port = 20000 + math.random(0, 20000)
		local text = rules:gsub("%%DIR%%", dir):gsub("%%TAG%%", tag):gsub("%%PORT%%", tostring(port))
		a = agent.start(text)
	end)

	teardown(function()
		if a then a:cleanup() end
		agent.sh("rm -rf " .. dir)
	end)

	-- The first alert of `rule` whose output_fields[key] is `value` (any, if key is nil).
	local function field(rule, key, value)
		return a:wait_alert(function(x)
			return x.rule == rule and (key == nil or x.output_fields[key] == value)
		end)
	end

	it("opens: fd.name, fd.directory, evt.arg.flags, user.name, proc.cmdline", function()
		assert.is_true(agent.sh("sh -c 'echo hi > " .. dir .. "/written.txt'"))
		local al = field("live open")
		assert.is_truthy(al, a:stderr())
		local f = al.output_fields
		assert.equal(dir .. "/written.txt", f["fd.name"])
		assert.equal(dir, f["fd.directory"])
		assert.is_truthy(f["evt.arg.flags"]:find("O_WRONLY", 1, true))
		assert.is_truthy(f["evt.arg.flags"]:find("O_CREAT", 1, true))
		assert.equal("root", f["user.name"])
		assert.equal("sh -c echo hi > " .. dir .. "/written.txt", f["proc.cmdline"])
		assert.equal("Warning", al.priority)
		assert.same({ "live" }, al.tags)
	end)

	it("a three-deep exec chain: proc.pname, proc.aname[2], proc.aname[3]", function()
		for _, s in ipairs({ { "a.sh", "b.sh" }, { "b.sh", "c.sh" } }) do
			agent.write(dir .. "/" .. s[1], "#!/bin/sh\n" .. dir .. "/" .. s[2] .. "\ntrue\n")
		end
		agent.write(dir .. "/c.sh", "#!/bin/sh\n/bin/echo saker-chain-" .. tag .. " >/dev/null\ntrue\n")
		assert.is_true(agent.sh("chmod +x " .. dir .. "/*.sh && " .. dir .. "/a.sh"))
		local al = field("live exec chain")
		assert.is_truthy(al, a:stderr())
		local f = al.output_fields
		assert.equal("echo", f["proc.name"])
		assert.equal("c.sh", f["proc.pname"])
		assert.equal("b.sh", f["proc.aname[2]"])
		assert.equal("a.sh", f["proc.aname[3]"])
		assert.equal("echo saker-chain-" .. tag, f["proc.cmdline"])
	end)

	it("a connect to a loopback listener: fd.sip, fd.sport, fd.name", function()
		local py = string.format([[python3 -c '
import socket
l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", %d)); l.listen(1)
c = socket.create_connection(("127.0.0.1", %d)); s, _ = l.accept()
print(c.getsockname()[1])']], port, port)
		local p = io.popen(py)
		local cport = p:read("*l")
		p:close()
		local al = field("live connect")
		assert.is_truthy(al, a:stderr())
		local f = al.output_fields
		assert.equal("127.0.0.1", f["fd.sip"])
		assert.equal(port, f["fd.sport"])
		assert.equal("127.0.0.1:" .. cport .. "->127.0.0.1:" .. port, f["fd.name"])
		assert.equal("python3", f["proc.name"])
	end)

	it("a symlink: evt.arg.target and evt.arg.linkpath", function()
		assert.is_true(agent.sh("ln -s /etc/hostname " .. dir .. "/link"))
		local al = field("live symlink")
		assert.is_truthy(al, a:stderr())
		assert.equal("/etc/hostname", al.output_fields["evt.arg.target"])
		assert.equal(dir .. "/link", al.output_fields["evt.arg.linkpath"])
	end)

	it("a chmod setting the setuid bit: evt.arg.mode", function()
		agent.write(dir .. "/f", "x")
		assert.is_true(agent.sh("chmod 4755 " .. dir .. "/f"))
		local al = field("live chmod", "evt.arg.filename", dir .. "/f")
		assert.is_truthy(al, a:stderr())
		assert.equal(dir .. "/f", al.output_fields["evt.arg.filename"])
		assert.is_truthy(al.output_fields["evt.arg.mode"]:find("S_ISUID", 1, true))
	end)

	it("unshare of a user namespace: evt.arg.flags", function()
		assert.is_true(agent.sh("unshare -U true"))
		local al = field("live unshare")
		assert.is_truthy(al, a:stderr())
		assert.is_truthy(al.output_fields["evt.arg.flags"]:find("CLONE_NEWUSER", 1, true))
	end)

	it("stops cleanly on SIGINT", function()
		assert.is_true(a:stop())
		assert.is_falsy(a:stderr():find("internal error", 1, true))
	end)
end)
