-- SPDX-License-Identifier: Apache-2.0
-- The default rules on privileged containers, live: a real runc container
-- (busybox rootfs, docker-style cgroup path) started privileged, which mounts
-- a tmpfs and debugfs and opens core_pattern for writing (appending nothing);
-- its benign twin, an unprivileged container trying the same, stays silent.
local agent = require("agent")
local live = require("rules_live")
local container = require("container")

local describe_live = (agent.is_root() and container.available()) and describe or pending

describe_live("default rules: privileged containers", function()
	local a, dir, priv, plain

	local script = "mkdir -p /tmp/m /tmp/dbg; mount -t tmpfs none /tmp/m; mount -t debugfs none /tmp/dbg;"
		.. " (exec 3>>/proc/sys/kernel/core_pattern); echo done"

	setup(function()
		dir = agent.tmpdir()
		a = live.start()
		priv = container.new({ privileged = true })
		plain = container.new()
	end)

	teardown(function()
		if priv then priv:cleanup() end
		if plain then plain:cleanup() end
		if a then a:cleanup() end
		agent.sh("rm -rf " .. dir)
	end)

	local function in_ct(c)
		return function(f) return f["container.id"] == c:short_id() end
	end

	it("a privileged container: started, mounts, debugfs, core_pattern", function()
		local rc, out = priv:run(script)
		assert.equal(0, rc, out)
		assert.truthy(out:find("done", 1, true), out)
		local id = priv:short_id()

		local st = live.expect(a, "Privileged container started", "privileged_container", in_ct(priv))
		assert.equal("sh", st.output_fields["proc.name"])
		assert.truthy(st.output_fields["thread.cap_effective"]:find("CAP_SYS_ADMIN", 1, true))
		assert.truthy(st.output_fields["proc.cmdline"]:find("core_pattern", 1, true))

		local mnt = live.expect(a, "Mount inside container", "privileged_container", function(f)
			return f["container.id"] == id and f["evt.arg.dir"] == "/tmp/m"
		end)
		assert.equal("tmpfs", mnt.output_fields["evt.arg.type"])
		assert.truthy(mnt.output_fields["proc.cmdline"]:find("tmpfs none /tmp/m", 1, true))

		local dbg = live.expect(a, "Debugfs used inside container", "privileged_container", in_ct(priv))
		assert.equal("/tmp/dbg", dbg.output_fields["evt.arg.dir"])
		assert.equal("Critical", dbg.priority)

		local esc = live.expect(a, "Container escape file opened for writing", "privileged_container", in_ct(priv))
		assert.equal("/proc/sys/kernel/core_pattern", esc.output_fields["fd.name"])
		assert.equal("sh", esc.output_fields["proc.name"])

		-- runc's own set-up mounts (rootfs, /proc, /dev) are not the container's doing
		live.silent(a, "Mount inside container", function(f)
			return f["container.id"] == id and f["evt.arg.dir"] ~= "/tmp/m" and f["evt.arg.dir"] ~= "/tmp/dbg"
		end, dir)
	end)

	it("an unprivileged container doing the same does not alert, nor does runc's own setup", function()
		local rc, out = plain:run(script)
		assert.equal(0, rc, out)
		for _, rule in ipairs({ "Privileged container started", "Mount inside container",
				"Debugfs used inside container", "Container escape file opened for writing" }) do
			live.silent(a, rule, in_ct(plain), dir)
		end
		live.silent(a, "Namespace change via setns or unshare", function(f)
			return f["proc.name"]:match("^runc") ~= nil
		end, dir)
	end)
end)
