-- SPDX-License-Identifier: Apache-2.0
-- container.* and k8s.* live (root + BPF + runc): two real runc containers,
-- their bundles carrying the annotations containerd's CRI sets, one
-- privileged with a host directory bound in. saker, given runc's state
-- root, reads name, image, pod, mounts and privilege from runc's files when
-- the container's first process execs; Falco's own rule on debugfs in a
-- privileged container (../shared/upstream-rules) fires on the privileged
-- one only.
local agent = require("agent")
local container = require("container")

local describe_live = (agent.is_root() and container.available()) and describe or pending

local FIELDS = { "container.id", "container.type", "container.name", "container.image",
	"container.image.repository", "container.image.tag", "container.privileged",
	"container.host_network", "container.mounts", "k8s.ns.name", "k8s.pod.name", "proc.name" }

local function annotations(name, image)
	return {
		["io.kubernetes.cri.container-type"] = "container",
		["io.kubernetes.cri.container-name"] = name,
		["io.kubernetes.cri.image-name"] = image,
		["io.kubernetes.cri.sandbox-name"] = name .. "-pod",
		["io.kubernetes.cri.sandbox-namespace"] = "saker-test",
	}
end

describe_live("container metadata from the runtime's files", function()
	local a, up, hostdir, priv, plain
	local UPSTREAM_RULE = "Debugfs Launched in Privileged Container"
	-- an exec named debugfs (busybox says it has no such applet)
	local DEBUGFS = "ln -s /bin/busybox /tmp/debugfs; /tmp/debugfs 2>/dev/null; sleep 2"

	setup(function()
		hostdir = agent.tmpdir()
		priv = container.new({ privileged = true, binds = { { hostdir, "/mnt/host" } },
			annotations = annotations("tools", "docker.io/library/busybox:1.36") })
		plain = container.new({ annotations = annotations("web", "registry.local:5000/shop/web") })
		local out = {}
		for i, f in ipairs(FIELDS) do out[i] = f .. "=%" .. f end
		a = agent.start(([[
- rule: container process started
  desc: a process execs in a container
  condition: evt.type in (execve, execveat) and evt.dir = < and container.id != host
  output: "%s mount=%%container.mount.dest[%s]"
  priority: NOTICE
]]):format(table.concat(out, " "), hostdir),
			string.format("-o 'container_metadata.roots=[%s, %s]'", priv:state_root(), plain:state_root()))
		up = agent.spawn(string.format("-r %s/../shared/upstream-rules/falco_rules.yaml"
			.. " -o 'container_metadata.roots=[%s, %s]'", agent.home, priv:state_root(), plain:state_root()))
	end)

	teardown(function()
		if priv then priv:cleanup() end
		if plain then plain:cleanup() end
		if a then a:cleanup() end
		if up then up:cleanup() end
		agent.sh("rm -rf " .. hostdir)
	end)

	local function started(c)
		return a:wait_alert(function(x)
			return x.rule == "container process started" and x.output_fields["container.id"] == c:short_id()
		end, 5)
	end

	it("a privileged container with a host mount", function()
		local rc, out = priv:run(DEBUGFS) -- sleeps: runc deletes its files when the container ends
		assert.equal(0, rc, out)
		local al = started(priv)
		assert.is_truthy(al, a:stderr())
		local f = al.output_fields
		assert.equal("sh", f["proc.name"])
		assert.equal("containerd", f["container.type"])
		assert.equal("tools", f["container.name"])
		assert.equal("docker.io/library/busybox:1.36", f["container.image"])
		assert.equal("docker.io/library/busybox", f["container.image.repository"])
		assert.equal("1.36", f["container.image.tag"])
		assert.equal(true, f["container.privileged"])
		assert.equal(false, f["container.host_network"])
		assert.equal(hostdir .. ":/mnt/host::true:rprivate", f["container.mounts"])
		assert.equal("/mnt/host", f["container.mount.dest[" .. hostdir .. "]"])
		assert.equal("saker-test", f["k8s.ns.name"])
		assert.equal("tools-pod", f["k8s.pod.name"])
		local dbg = up:wait_alert(function(x) return x.rule == UPSTREAM_RULE end, 5)
		assert.is_truthy(dbg, up:stderr())
		assert.equal("debugfs", dbg.output_fields["proc.name"])
	end)

	it("an unprivileged one, its image untagged", function()
		local rc, out = plain:run(DEBUGFS)
		assert.equal(0, rc, out)
		local al = started(plain)
		assert.is_truthy(al, a:stderr())
		local f = al.output_fields
		assert.equal("web", f["container.name"])
		assert.equal("registry.local:5000/shop/web", f["container.image.repository"])
		assert.equal("latest", f["container.image.tag"])
		assert.equal(false, f["container.privileged"])
		assert.is_nil(f["container.mounts"])
		assert.is_nil(f["container.mount.dest[" .. hostdir .. "]"])
		-- its debugfs ran (the alert above came from its sh) and up saw it
		assert.is_truthy(a:wait_alert(function(x)
			return x.output_fields["container.id"] == plain:short_id() and x.output_fields["proc.name"] == "debugfs"
		end, 5))
		local n = 0
		for _, x in ipairs(up:alerts()) do
			if x.rule == UPSTREAM_RULE then n = n + 1 end
		end
		assert.equal(1, n)
	end)
end)
