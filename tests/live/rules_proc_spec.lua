-- SPDX-License-Identifier: Apache-2.0
-- The default rules on processes and the network, live: namespace changes,
-- execution from /tmp and memfd, shells under services, ssh tools, a
-- reverse shell on loopback, packet sockets, unexpected connections; each
-- with a benign twin that must stay silent.
local agent = require("agent")
local live = require("rules_live")

local describe_live = agent.is_root() and describe or pending

describe_live("default rules: processes and network", function()
	local a, dir, tag, port, listener

	setup(function()
		dir = agent.tmpdir()
		tag = dir:match("([^/]+)$")
		port = 20000 + tonumber(agent.read("/proc/sys/kernel/random/uuid"):sub(1, 4), 16) % 20000
		a = live.start()
		-- a loopback listener that accepts a few connections
		local p = io.popen(string.format("timeout 60 perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new("
			.. "LocalAddr => \"127.0.0.1\", LocalPort => %d, Listen => 8, ReuseAddr => 1) or die; "
			.. "push @c, $s->accept for 1 .. 8' >/dev/null 2>&1 & echo $!", port))
		listener = p:read("*l")
		p:close()
		agent.sleep(0.5)
	end)

	teardown(function()
		if listener then agent.sh("kill " .. listener .. " 2>/dev/null") end
		if a then a:cleanup() end
		agent.sh("rm -rf " .. dir)
	end)

	it("Namespace change via setns or unshare: unshare -U, nsenter; runc's unshare does not alert", function()
		assert.is_true(agent.sh("unshare -U sh -c ': " .. tag .. "'"))
		local al = live.expect(a, "Namespace change via setns or unshare", "namespace_change", function(f)
			return f["proc.cmdline"] == "unshare -U sh -c : " .. tag
		end)
		assert.equal("Notice", al.priority)
		assert.equal("unshare", al.output_fields["evt.type"])
		assert.equal("unshare", al.output_fields["proc.name"])
		assert.truthy(al.output_fields["evt.arg.flags"]:find("CLONE_NEWUSER", 1, true))
		assert.is_true(agent.sh("nsenter -t $$ -u sh -c ': " .. tag .. "'"))
		local ns = live.expect(a, "Namespace change via setns or unshare", "namespace_change", function(f)
			return f["proc.name"] == "nsenter" and f["proc.cmdline"]:find(tag, 1, true) ~= nil
		end)
		assert.equal("setns", ns.output_fields["evt.type"])
		assert.equal("CLONE_NEWUTS", ns.output_fields["evt.arg.nstype"])
		local runc = live.alias(dir, "runc", "/usr/bin/unshare")
		assert.is_true(agent.sh(runc .. " -U true"))
		live.silent(a, "Namespace change via setns or unshare", function(f)
			return f["proc.name"] == "runc"
		end, dir)
	end)

	it("Execution from temporary directory: a copy of true in /tmp, and a memfd; a system binary run from /tmp does not alert", function()
		local exe = dir .. "/tmpexe"
		assert.is_true(agent.sh("cp /bin/true " .. exe .. " && " .. exe))
		local al = live.expect(a, "Execution from temporary directory", "process_spawn", function(f)
			return f["proc.exepath"] == exe
		end)
		assert.equal("Warning", al.priority)
		assert.equal(false, al.output_fields["proc.is_exe_from_memfd"])
		assert.is_true(agent.sh("perl -e '$n = \"saker\"; $fd = syscall(319, $n, 0); open($m, \">&=\", $fd) or die;"
			.. " open($b, \"<\", \"/bin/true\") or die; local $/; print {$m} <$b>; close $b; $m->flush;"
			.. " exec {\"/proc/self/fd/$fd\"} \"memfd\", \"" .. tag .. "\" or die'"))
		local mem = live.expect(a, "Execution from temporary directory", "process_spawn", function(f)
			return f["proc.is_exe_from_memfd"] == true and f["proc.cmdline"]:find(tag, 1, true) ~= nil
		end)
		assert.equal("/memfd:saker", mem.output_fields["proc.exepath"])
		assert.is_true(agent.sh("cd " .. dir .. " && /bin/true " .. tag))
		live.silent(a, "Execution from temporary directory", function(f)
			return f["proc.cmdline"] == "true " .. tag
		end, dir)
	end)

	it("Shell spawned by a service: node starts sh; a shell started by a shell does not alert", function()
		local node = live.alias(dir, "node", "/bin/dash")
		assert.is_true(agent.sh(node .. " -c \"sh -c : svc-" .. tag .. "; true\""))
		local al = live.expect(a, "Shell spawned by a service", "shell", function(f)
			return f["proc.cmdline"] == "sh -c : svc-" .. tag
		end)
		assert.equal("node", al.output_fields["proc.pname"])
		assert.equal("sh", al.output_fields["proc.name"])
		assert.is_true(agent.sh("bash -c \"sh -c : sh-" .. tag .. "; true\""))
		live.silent(a, "Shell spawned by a service", function(f)
			return f["proc.cmdline"] == "sh -c : sh-" .. tag
		end, dir)
	end)

	it("SSH binary executed: ssh -V; ssh run by a package maintainer script does not alert", function()
		assert.is_true(agent.sh("ssh -V " .. tag .. " 2>/dev/null"))
		local al = live.expect(a, "SSH binary executed", "ssh", function(f)
			return f["proc.cmdline"] == "ssh -V " .. tag
		end)
		assert.equal("ssh", al.output_fields["proc.name"])
		local pm = live.alias(dir, "dpkg", "/bin/dash")
		assert.is_true(agent.sh(pm .. " -c \"ssh -V -o Tag=" .. tag .. " 2>/dev/null; true\""))
		live.silent(a, "SSH binary executed", function(f)
			return f["proc.pname"] == "dpkg"
		end, dir)
	end)

	it("Redirect socket to stdin or stdout and Unexpected outbound connection: a bash /dev/tcp reverse shell", function()
		assert.is_true(agent.sh(string.format("bash -c 'exec 0<>/dev/tcp/127.0.0.1/%d; exec 1>&0; echo %s'",
			port, tag)))
		local conn = "127.0.0.1:%d+->127.0.0.1:" .. port
		local al = live.expect(a, "Redirect socket to stdin or stdout", "network", function(f)
			return f["proc.name"] == "bash" and f["evt.rawres"] == 0 and f["fd.name"]:match(conn) ~= nil
		end)
		assert.equal("Critical", al.priority)
		live.expect(a, "Redirect socket to stdin or stdout", "network", function(f)
			return f["proc.name"] == "bash" and f["evt.rawres"] == 1 and f["fd.name"]:match(conn) ~= nil
		end)
		local out = live.expect(a, "Unexpected outbound connection", "network", function(f)
			return f["proc.name"] == "bash" and f["fd.name"]:match(conn) ~= nil
		end)
		assert.truthy(out.output_fields["proc.cmdline"]:find(tag, 1, true))
	end)

	it("a socket dup'ed onto fd 5, and perl connecting, do not alert", function()
		local b = "benign-" .. tag
		assert.is_true(agent.sh(string.format("bash -c 'exec 5<>/dev/tcp/127.0.0.1/%d; : %s'", port, b)))
		assert.is_true(agent.sh(string.format("perl -MIO::Socket::INET -e 'IO::Socket::INET->new(\"127.0.0.1:%d\") or die; # %s'",
			port, b)))
		live.silent(a, "Redirect socket to stdin or stdout", function(f)
			return f["proc.cmdline"]:find(b, 1, true) ~= nil
		end, dir)
		live.silent(a, "Unexpected outbound connection", function(f)
			return f["proc.name"] == "perl" and f["proc.cmdline"]:find(b, 1, true) ~= nil
		end, dir)
	end)

	it("Packet socket created: perl opens AF_PACKET; tcpdump doing so does not alert", function()
		local prog = "socket(S, 17, 3, 0) or die; # " .. tag
		assert.is_true(agent.sh("perl -e '" .. prog .. "'"))
		local al = live.expect(a, "Packet socket created", "network", function(f)
			return f["proc.name"] == "perl" and f["proc.cmdline"]:find(tag, 1, true) ~= nil
		end)
		assert.truthy(al.output_fields["evt.arg.domain"]:find("AF_PACKET", 1, true))
		local tcpdump = live.alias(dir, "tcpdump", "/usr/bin/perl")
		assert.is_true(agent.sh(tcpdump .. " -e '" .. prog .. "'"))
		live.silent(a, "Packet socket created", function(f)
			return f["proc.name"] == "tcpdump"
		end, dir)
	end)
end)
