-- SPDX-License-Identifier: Apache-2.0
-- The plugin host: plugins in their own Lua state and thread, config
-- schemas, isolation of plugins that throw or loop, and the three shipped
-- plugins (slack, jsonl_rotate, aggregate) against real receivers.
local u = require("outputs_util")
local outputs = require("saker.outputs")
local host = require("saker.outputs.host")
local json = require("dkjson")

local function plugin_cfg(entries, more)
	local o = {}
	for _, e in ipairs(entries) do
		o[#o + 1] = "outputs.plugins[]=" .. json.encode(e)
	end
	for _, m in ipairs(more or {}) do o[#o + 1] = m end
	return u.config(o)
end

describe("plugin host", function()
	local dir
	before_each(function() dir = u.tmpdir() end)
	after_each(function() u.sh("rm -rf " .. dir) end)

	local function write_plugin(name, src)
		local path = dir .. "/" .. name .. ".lua"
		local f = assert(io.open(path, "w"))
		f:write(src)
		f:close()
		return path
	end

	-- records every alert's rule, priority and a field to a file
	local RECORDER = [[
local out
return {
	schema = { out = { type = "string", required = true } },
	init = function(c) out = c.out end,
	emit = function(a)
		local f = assert(io.open(out, "a"))
		f:write(a.rule, " ", a.priority, " ", tostring(a.output_fields["proc.name"]), " ",
			tostring(a.output_fields["fd.name"]), "\n")
		f:close()
	end,
}
]]

	it("checks config against the schema, with defaults", function()
		local s = { a = { type = "number", default = 3 }, b = { type = "string", required = true } }
		assert.same({ a = 3, b = "x" }, host.check(s, { b = "x" }, "p"))
		assert.has_error(function() host.check(s, {}, "p") end, "p: config key 'b' is required")
		assert.has_error(function() host.check(s, { b = 1 }, "p") end,
			"p: config key 'b' must be a string, not a number")
		assert.has_error(function() host.check(s, { b = "x", c = 1 }, "p") end,
			"p: unknown config key 'c'")
	end)

	it("hands each alert as a table keyed like the JSON alert, on its own thread", function()
		local path = write_plugin("rec", RECORDER)
		local out = dir .. "/rec.out"
		local outs = outputs.open(plugin_cfg({ { name = "rec", path = path, config = { out = out } } }))
		outs:emit(u.alert("r1", "error", { ["proc.name"] = "cat", ["fd.name"] = require("saker.json").null }))
		outs:emit(u.alert("r2"))
		outs:close()
		assert.same({ "r1 Error cat null", "r2 Warning cat /etc/x" }, u.lines(out))
		assert.equals(2, outs:stats().rec.sent)
	end)

	it("finds a plugin by name in plugins_dir", function()
		write_plugin("byname", RECORDER)
		local out = dir .. "/n.out"
		local outs = outputs.open(plugin_cfg({ { name = "byname", config = { out = out } } },
			{ "outputs.plugins_dir=" .. dir }))
		outs:emit(u.alert("r1"))
		outs:close()
		assert.equals(1, #u.lines(out))
	end)

	it("refuses a plugin whose config does not fit its schema, and runs the others", function()
		local path = write_plugin("rec", RECORDER)
		local out = dir .. "/ok.out"
		local outs = outputs.open(plugin_cfg({
			{ name = "bad", path = path, config = { out = 5 } },
			{ name = "good", path = path, config = { out = out } },
		}))
		local st = outs:stats()
		assert.is_nil(st.bad)
		outs:emit(u.alert())
		outs:close()
		assert.equals(1, #u.lines(out))
	end)

	it("isolates a plugin that throws: counted, named in the error, disabled after repeated failures", function()
		local thrower = write_plugin("thrower", [[
local n = 0
return { emit = function(a)
	n = n + 1
	if a.rule ~= "fine" then error("cannot handle " .. a.rule) end
end }
]])
		local rec = write_plugin("rec", RECORDER)
		local out = dir .. "/rec.out"
		local outs = outputs.open(plugin_cfg({
			{ name = "thrower", path = thrower },
			{ name = "rec", path = rec, config = { out = out } },
		}, { "outputs.plugin_max_failures=3" }))
		outs:emit(u.alert("bad1"))
		outs:emit(u.alert("fine"))     -- a success resets the count
		for i = 2, 4 do outs:emit(u.alert("bad" .. i)) end
		assert.is_true(u.wait(function() return outs:stats().thrower.disabled end))
		outs:emit(u.alert("fine"))     -- disabled: dropped
		outs:close()
		local st = outs:stats().thrower
		assert.equals(1, st.sent)
		assert.equals(4, st.failed)
		assert.equals(1, st.dropped)
		assert.matches("plugin thrower: disabled after 3 failures in a row", st.last_error)
		assert.equals(6, #u.lines(out)) -- the other plugin got everything
	end)

	it("interrupts a plugin that runs too long, and carries on with the next alert", function()
		local looper = write_plugin("looper", [[
local out
return {
	init = function(c) out = c.out end,
	schema = { out = { type = "string" } },
	emit = function(a)
		if a.rule == "loop" then while true do end end
		local f = io.open(out, "a"); f:write(a.rule, "\n"); f:close()
	end,
}
]])
		local out = dir .. "/loop.out"
		local outs = outputs.open(plugin_cfg({ { name = "looper", path = looper, config = { out = out } } },
			{ "outputs.plugin_timeout_ms=2000" }))
		local clock = require("saker.outputs.helpers").now
		local t0 = clock()
		outs:emit(u.alert("loop"))
		outs:emit(u.alert("after"))
		-- the engine never waits: waiting would take the 2 s timeout
		assert.is_true(clock() - t0 < 1)
		assert.is_true(u.wait(function() return #u.lines(out) == 1 end, 6))
		outs:close()
		local st = outs:stats().looper
		assert.equals(1, st.failed)
		assert.equals(1, st.sent)
		assert.matches("plugin looper: .*ran longer than 2000 ms", st.last_error)
	end)

	it("reports a plugin file that does not load", function()
		local ch = require("saker.outputs.channel")
		local path = write_plugin("broken", "return {")
		local c, err = ch.open("plugin", { name = "broken", target = path,
			home = require("saker.config").home }, tostring)
		assert.is_nil(c)
		assert.matches("plugin broken: .*broken.lua", err)
		path = write_plugin("noemit", "return { init = function() end }")
		c, err = ch.open("plugin", { name = "noemit", target = path,
			home = require("saker.config").home }, tostring)
		assert.is_nil(c)
		assert.matches("does not return a table with an emit function", err)
	end)
end)

describe("shipped plugins", function()
	local dir, recv
	before_each(function() dir = u.tmpdir() end)
	after_each(function()
		if recv then u.stop(recv) end
		recv = nil
		u.sh("rm -rf " .. dir)
	end)

	it("slack posts a webhook payload coloured by priority, skipping low priorities", function()
		recv = u.receiver(dir, "http")
		local outs = outputs.open(plugin_cfg({ { name = "slack", config = {
			webhook_url = "http://127.0.0.1:" .. recv.port .. "/hook", channel = "#sec",
			min_priority = "warning" } } }))
		outs:emit(u.alert("Shell in container", "critical"))
		outs:emit(u.alert("chatty", "notice"))
		outs:close()
		local reqs = u.requests(recv)
		assert.equals(1, #reqs)
		assert.equals("/hook", reqs[1].path)
		local p = json.decode(reqs[1].body)
		assert.equals("#sec", p.channel)
		assert.equals("*Critical* Shell in container", p.text)
		local att = p.attachments[1]
		assert.equals("#e01e5a", att.color)
		assert.matches("Critical something happened", att.text)
		local titles = {}
		for _, f in ipairs(att.fields) do titles[f.title] = f.value end
		assert.equals("cat", titles["proc.name"])
		assert.equals("Shell in container", titles.rule)
		assert.equals(2, outs:stats().slack.sent) -- the Notice one was skipped, not failed
	end)

	it("slack counts a failing webhook", function()
		recv = u.receiver(dir, "http", "--fail", "9")
		local outs = outputs.open(plugin_cfg({ { name = "slack", config = {
			webhook_url = "http://127.0.0.1:" .. recv.port .. "/" } } }))
		outs:emit(u.alert())
		outs:close()
		assert.matches("plugin slack: webhook answered 500", outs:stats().slack.last_error)
	end)

	it("jsonl_rotate writes JSON lines and rotates by size, keeping max_files", function()
		local path = dir .. "/alerts.jsonl"
		local outs = outputs.open(plugin_cfg({ { name = "jsonl_rotate", config = {
			path = path, max_bytes = 1000, max_files = 2 } } }))
		for i = 1, 12 do outs:emit(u.alert("r" .. i)) end
		outs:close()
		local all = {}
		for _, p in ipairs({ path .. ".2", path .. ".1", path }) do
			local f = io.open(p, "r")
			assert.is_not_nil(f, p)
			local size = f:seek("end")
			f:close()
			assert.is_true(size <= 1000, p .. " is " .. size .. " bytes")
			for _, l in ipairs(u.lines(p)) do all[#all + 1] = json.decode(l).rule end
		end
		assert.is_nil(io.open(path .. ".3", "r"))
		-- the newest alerts, in order, with the oldest rotated away
		assert.equals("r12", all[#all])
		for i = 2, #all do
			assert.equals(tonumber(all[i - 1]:sub(2)) + 1, tonumber(all[i]:sub(2)))
		end
		assert.is_true(#all < 12)
	end)

	it("aggregate sends one summary per rule per interval", function()
		local path = dir .. "/summary.jsonl"
		recv = u.receiver(dir, "http")
		local outs = outputs.open(plugin_cfg({ { name = "aggregate", config = {
			interval = 1, path = path, url = "http://127.0.0.1:" .. recv.port .. "/batch" } } }))
		for _ = 1, 5 do outs:emit(u.alert("noisy")) end
		outs:emit(u.alert("rare", "critical"))
		-- the interval passes while alerts pause: one batch
		assert.is_true(u.wait(function() return #u.lines(path) == 2 end, 4))
		outs:emit(u.alert("rare", "critical"))
		outs:close() -- close sends what is left
		local lines = u.lines(path)
		assert.equals(3, #lines)
		local s1, s2, s3 = json.decode(lines[1]), json.decode(lines[2]), json.decode(lines[3])
		assert.same({ "noisy", 5, "Warning" }, { s1.rule, s1.count, s1.priority })
		assert.same({ "rare", 1, "Critical" }, { s2.rule, s2.count, s2.priority })
		assert.same({ "rare", 1 }, { s3.rule, s3.count })
		assert.matches("something happened", s1.sample)
		local reqs = u.requests(recv)
		assert.equals(2, #reqs)
		assert.equals(2, #json.decode(reqs[1].body))
	end)
end)

describe("README's plugin example", function()
	it("runs as written", function()
		local readme = u.read(u.home .. "/README.md")
		local src = readme:match("## Writing a plugin.-```lua\n(.-)```")
		assert.is_not_nil(src)
		local dir = u.tmpdir()
		local path = dir .. "/line_post.lua"
		local f = assert(io.open(path, "w"))
		f:write(src)
		f:close()
		local recv = u.receiver(dir, "http")
		local outs = outputs.open(plugin_cfg({ { name = "line_post", path = path, config = {
			url = "http://127.0.0.1:" .. recv.port .. "/alerts", min_priority = "error" } } }))
		outs:emit(u.alert("low", "warning"))
		outs:emit(u.alert("high", "critical"))
		outs:close()
		local reqs = u.requests(recv)
		u.stop(recv)
		u.sh("rm -rf " .. dir)
		assert.equals(1, #reqs)
		assert.equals("text/plain", reqs[1].headers["content-type"])
		assert.matches("^high: %d%d:.* Critical something happened$", reqs[1].body)
	end)
end)
