-- SPDX-License-Identifier: Apache-2.0
-- The default rules on file threats, live: writes below /etc and binary dirs
-- (inside a private mount namespace, on a tmpfs), sensitive reads, links,
-- mode and owner changes, mutations of coreutils, login and shadow-utils
-- binaries; each with a benign twin that must stay silent.
local agent = require("agent")
local live = require("rules_live")

local describe_live = agent.is_root() and describe or pending

describe_live("default rules: files", function()
	local a, dir, tag

	setup(function()
		dir = agent.tmpdir()
		tag = dir:match("([^/]+)$")
		a = live.start()
	end)

	teardown(function()
		if a then a:cleanup() end
		agent.sh("rm -rf " .. dir)
	end)

	it("Write below etc: a shell writes a file below /etc; a package manager does not alert", function()
		local pm = live.alias(dir, "dpkg", "/bin/dash")
		assert.is_true(live.private("mount -t tmpfs none /etc && echo x > /etc/saker-" .. tag
			.. " && " .. pm .. " -c \"echo y > /etc/saker-pm-" .. tag .. "; true\""))
		local al = live.expect(a, "Write below etc", "write_etc", function(f)
			return f["fd.name"] == "/etc/saker-" .. tag
		end)
		assert.equal("Error", al.priority)
		assert.equal("sh", al.output_fields["proc.name"])
		assert.equal("sh", al.output_fields["proc.pname"])
		assert.equal("root", al.output_fields["user.name"])
		assert.equal("host", al.output_fields["container.id"])
		assert.truthy(al.output_fields["evt.arg.flags"]:find("O_WRONLY", 1, true))
		live.silent(a, "Write below etc", function(f)
			return f["fd.name"] == "/etc/saker-pm-" .. tag
		end, dir)
	end)

	it("Write below binary dir: a file created in /usr/local/bin; a package manager does not alert", function()
		local pm = live.alias(dir, "apt-get", "/bin/dash")
		assert.is_true(live.private("mount -t tmpfs none /usr/local/bin && echo x > /usr/local/bin/saker-"
			.. tag .. " && " .. pm .. " -c \"echo y > /usr/local/bin/pm-" .. tag .. "; true\""))
		local al = live.expect(a, "Write below binary dir", "write_binary_dir", function(f)
			return f["fd.name"] == "/usr/local/bin/saker-" .. tag
		end)
		assert.equal("Error", al.priority)
		assert.equal("sh", al.output_fields["proc.name"])
		live.silent(a, "Write below binary dir", function(f)
			return f["fd.name"] == "/usr/local/bin/pm-" .. tag
		end, dir)
	end)

	it("Read sensitive file untrusted: cat reads /etc/shadow and a private ssh key; sshd, and a public key, do not alert", function()
		assert.is_true(agent.sh("cat /etc/shadow > /dev/null # " .. tag))
		local al = live.expect(a, "Read sensitive file untrusted", "read_sensitive", function(f)
			return f["fd.name"] == "/etc/shadow" and f["proc.cmdline"] == "cat /etc/shadow"
		end)
		assert.equal("Warning", al.priority)
		assert.equal("cat", al.output_fields["proc.name"])
		-- a private key, on a tmpfs over /root in a private mount namespace; its .pub is not secret
		assert.is_true(live.private("mount -t tmpfs none /root && mkdir /root/.ssh && echo k > /root/.ssh/id_"
			.. tag .. " && echo p > /root/.ssh/id_" .. tag .. ".pub && cat /root/.ssh/id_" .. tag
			.. " /root/.ssh/id_" .. tag .. ".pub"))
		live.expect(a, "Read sensitive file untrusted", "read_sensitive", function(f)
			return f["fd.name"] == "/root/.ssh/id_" .. tag and f["proc.name"] == "cat"
		end)
		local sshd = live.alias(dir, "sshd", "/bin/cat")
		assert.is_true(agent.sh(sshd .. " /etc/shadow > /dev/null"))
		live.silent(a, "Read sensitive file untrusted", function(f)
			return f["proc.name"] == "sshd" or f["fd.name"] == "/root/.ssh/id_" .. tag .. ".pub"
		end, dir)
	end)

	it("Link over sensitive file: a symlink and a hardlink to /etc/shadow; a link to /etc/hostname does not alert", function()
		assert.is_true(agent.sh(string.format("ln -s /etc/shadow %s/sym && ln /etc/shadow %s/hard && rm -f %s/hard",
			dir, dir, dir)))
		local al = live.expect(a, "Link over sensitive file", "symlink", function(f)
			return f["fs.path.target"] == dir .. "/sym"
		end)
		assert.equal("/etc/shadow", al.output_fields["fs.path.source"])
		assert.equal("ln", al.output_fields["proc.name"])
		local hard = live.expect(a, "Link over sensitive file", "symlink", function(f)
			return f["fs.path.target"] == dir .. "/hard"
		end)
		assert.equal("linkat", hard.output_fields["evt.type"])
		assert.is_true(agent.sh(string.format("ln -s /etc/hostname %s/benign", dir)))
		live.silent(a, "Link over sensitive file", function(f)
			return f["fs.path.target"] == dir .. "/benign"
		end, dir)
	end)

	it("Set setuid or setgid bit: chmod u+s; chmod 755 does not alert", function()
		local f = dir .. "/suid"
		assert.is_true(agent.sh("touch " .. f .. " && chmod 755 " .. f .. " && chmod u+s " .. f))
		local al = live.expect(a, "Set setuid or setgid bit", "chmod_chown", function(x)
			return x["fs.path.name"] == f and x["evt.arg.mode"]:find("S_ISUID", 1, true) ~= nil
		end)
		assert.equal("chmod", al.output_fields["proc.name"])
		live.silent(a, "Set setuid or setgid bit", function(x)
			return x["fs.path.name"] == f and not x["evt.arg.mode"]:find("S_ISUID", 1, true)
		end, dir)
	end)

	it("World-writable file in system dir and Ownership change in system dir; the same in a temp dir do not alert", function()
		local t = "/usr/local/bin/ww-" .. tag
		assert.is_true(live.private("mount -t tmpfs none /usr/local/bin && touch " .. t
			.. " && chmod o+w " .. t .. " && chown 1:1 " .. t))
		local ww = live.expect(a, "World-writable file in system dir", "chmod_chown", function(f)
			return f["fs.path.name"] == t
		end)
		assert.truthy(ww.output_fields["evt.arg.mode"]:find("S_IWOTH", 1, true))
		assert.equal("chmod", ww.output_fields["proc.name"])
		local own = live.expect(a, "Ownership change in system dir", "chmod_chown", function(f)
			return f["fs.path.name"] == t
		end)
		assert.equal("chown", own.output_fields["proc.name"])
		assert.equal("1", tostring(own.output_fields["evt.arg.uid"]))
		local b = dir .. "/ww"
		assert.is_true(agent.sh("touch " .. b .. " && chmod o+w " .. b .. " && chown 1:1 " .. b))
		live.silent(a, "World-writable file in system dir", function(f) return f["fs.path.name"] == b end, dir)
		live.silent(a, "Ownership change in system dir", function(f) return f["fs.path.name"] == b end, dir)
	end)

	-- A fake binary dir: tmpfs over /usr/local/bin holding copies named like
	-- the real tools; each is opened for writing, renamed over and deleted.
	local function mutate(name)
		local p = "/usr/local/bin/" .. name
		return live.private("mount -t tmpfs none /usr/local/bin && echo x > " .. p
			.. " && echo y > /usr/local/bin/new-" .. tag .. " && mv /usr/local/bin/new-" .. tag .. " " .. p
			.. " && rm " .. p)
	end

	local cases = {
		{ "Coreutils binary modified", "coreutils_mutation", "ls" },
		{ "Login binary modified", "login_mutation", "su" },
		{ "Shadow-utils binary modified", "shadowutils_mutation", "passwd" },
	}
	for _, c in ipairs(cases) do
		local rule, threat, name = c[1], c[2], c[3]
		it(rule .. ": /usr/local/bin/" .. name .. " written, renamed over, deleted; by a package manager silent", function()
			assert.is_true(mutate(name))
			local p = "/usr/local/bin/" .. name
			local w = live.expect(a, rule, threat, function(f) return f["fd.name"] == p end)
			assert.equal("Error", w.priority)
			live.expect(a, rule, threat, function(f)
				return f["evt.type"]:match("^rename") and f["fs.path.target"] == p
			end)
			local rm = live.expect(a, rule, threat, function(f)
				return f["evt.type"]:match("^unlink") and f["fs.path.name"] == p
			end)
			assert.equal("rm", rm.output_fields["proc.name"])
			local pm = live.alias(dir, "dpkg", "/bin/dash")
			assert.is_true(live.private("mount -t tmpfs none /usr/local/bin && " .. pm .. " -c \"echo x > /usr/local/bin/"
				.. name .. "; rm /usr/local/bin/" .. name .. "; true\""))
			live.silent(a, rule, function(f)
				return f["proc.name"] == "dpkg" or f["proc.pname"] == "dpkg"
			end, dir)
		end)
	end
end)
