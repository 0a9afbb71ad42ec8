-- SPDX-License-Identifier: Apache-2.0
-- A real container for live tests: Debian's runc, a rootfs made of Debian's
-- busybox-static in a temp dir, a docker-style cgroupsPath (/docker/<64 hex>),
-- optionally privileged (every capability, no masked or read-only paths).
local json = require("dkjson")
local agent = require("agent")

local M = {}

local caps = {
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
	"CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
	"CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
	"CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
	"CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

-- Every capability our own bounding set holds (root here may lack some,
-- e.g. CAP_SYS_RESOURCE): what `docker run --privileged` would grant.
local function full_caps()
	local bnd = agent.read("/proc/self/status"):match("CapBnd:%s*(%x+)")
	local lo = tonumber(bnd:sub(-8), 16)
	local hi = #bnd > 8 and tonumber(bnd:sub(1, -9), 16) or 0
	local out = {}
	for i, name in ipairs(caps) do
		local n = i - 1
		local word = n < 32 and lo or hi
		if math.floor(word / 2 ^ (n % 32)) % 2 == 1 then out[#out + 1] = name end
	end
	return out
end

function M.available()
	return agent.sh("command -v runc >/dev/null && test -x /usr/bin/busybox")
end

-- A fresh id per container (math.random is the same sequence every run).
local function hex64()
	local p = io.popen("od -An -tx1 -N32 /dev/urandom | tr -d ' \n'")
	local id = p:read("*a")
	p:close()
	assert(#id == 64, "no random id")
	return id
end

local Container = {}
Container.__index = Container

-- A bundle ready to run: opts.privileged (bool), opts.annotations (a
-- table: the OCI config's, as a CRI runtime sets them), opts.binds (a list
-- of { source, dest }: bind mounts from the host). runc knows the container
-- by its full id, as under docker and containerd.
function M.new(opts)
	opts = opts or {}
	local dir = agent.tmpdir()
	local root = dir .. "/rootfs"
	assert(agent.sh(string.format(
		"mkdir -p %s/bin %s/proc %s/sys %s/dev %s/tmp %s/etc && cp /usr/bin/busybox %s/bin/busybox"
		.. " && chroot %s /bin/busybox --install -s /bin && cd %s && runc spec",
		root, root, root, root, root, root, root, root, dir)), "rootfs or runc spec failed")
	local c = setmetatable({ dir = dir, id = hex64(), privileged = opts.privileged,
		annotations = opts.annotations, binds = opts.binds or {} }, Container)
	c.name = c.id
	-- runc creates the /docker parent cgroup if missing: remove it after, then
	c.made_parent = not agent.sh("ls -d /sys/fs/cgroup/docker /sys/fs/cgroup/*/docker 2>/dev/null | grep -q .")
	return c
end

-- Runs `cmd` (busybox sh -c) in the container, in the foreground, and
-- returns its exit status and output.
function Container:run(cmd)
	local spec = json.decode(agent.read(self.dir .. "/config.json"))
	spec.process.terminal = false
	spec.process.args = { "/bin/sh", "-c", cmd }
	spec.root.readonly = false
	spec.linux.cgroupsPath = "/docker/" .. self.id
	if self.privileged then
		local c, all = spec.process.capabilities, full_caps()
		c.bounding, c.effective, c.permitted, c.ambient = all, all, all, all
		spec.process.noNewPrivileges = false
		spec.linux.maskedPaths = json.null
		spec.linux.readonlyPaths = json.null
	end
	spec.annotations = self.annotations
	for _, b in ipairs(self.binds) do
		table.insert(spec.mounts, { destination = b[2], source = b[1], type = "bind",
			options = { "rbind", "rprivate", "rw" } })
	end
	agent.write(self.dir .. "/config.json", json.encode(spec))
	local p = io.popen(string.format("runc --root %s/state run -b %s %s 2>&1; echo \"rc=$?\"",
		self.dir, self.dir, self.name))
	local out = p:read("*a")
	p:close()
	local rc = tonumber(out:match("rc=(%d+)%s*$"))
	return rc, out:gsub("rc=%d+%s*$", "")
end

-- The 12-character id saker reports as container.id.
function Container:short_id() return self.id:sub(1, 12) end

-- Where runc keeps this container's state (a root for container_metadata).
function Container:state_root() return self.dir .. "/state" end

function Container:cleanup()
	agent.sh(string.format("runc --root %s/state delete -f %s >/dev/null 2>&1", self.dir, self.name))
	agent.sh("rm -rf " .. self.dir)
	-- the container's cgroup may take a moment to go once its processes die
	for _ = 1, 20 do
		if not self.made_parent then break end
		agent.sh("rmdir /sys/fs/cgroup/docker /sys/fs/cgroup/*/docker 2>/dev/null")
		if not agent.sh("ls -d /sys/fs/cgroup/docker /sys/fs/cgroup/*/docker 2>/dev/null | grep -q .") then break end
		agent.sleep(0.1)
	end
end

return M
