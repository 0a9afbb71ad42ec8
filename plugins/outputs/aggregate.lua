-- SPDX-License-Identifier: Apache-2.0
-- aggregate: instead of every alert, one summary per rule per interval:
-- how many alerts the rule raised, its priority, the first and last alert
-- times and the output of the first one. Summaries go as JSON lines to a
-- file (path) and/or as one JSON array per interval to a URL (url).
local helpers = require("saker.outputs.helpers")

local P = {}

P.schema = {
	interval = { type = "number", default = 60 },
	path = { type = "string" },
	url = { type = "string" },
}

local cfg
local batch, order, started = {}, {}, nil

function P.init(c)
	if not c.path and not c.url then error("aggregate: set path or url (or both)", 0) end
	if c.interval <= 0 then error("aggregate: interval must be > 0", 0) end
	cfg = c
end

function P.emit(a)
	started = started or helpers.now()
	local b = batch[a.rule]
	if not b then
		b = { rule = a.rule, priority = a.priority, count = 0, first_time = a.time,
			sample = a.output, hostname = a.hostname }
		batch[a.rule] = b
		order[#order + 1] = a.rule
	end
	b.count = b.count + 1
	b.last_time = a.time
end

-- Send what the interval gathered.
local function send()
	local list = {}
	for i, rule in ipairs(order) do list[i] = batch[rule] end
	batch, order, started = {}, {}, nil
	if #list == 0 then return end
	if cfg.path then
		local lines = {}
		for i, s in ipairs(list) do lines[i] = helpers.json_encode(s) end
		local ok, err = helpers.file_append(cfg.path, table.concat(lines, "\n") .. "\n")
		if not ok then error("aggregate: " .. tostring(err), 0) end
	end
	if cfg.url then
		local st, err = helpers.http_post(cfg.url, helpers.json_encode(helpers.json_array(list)))
		if not st then error("aggregate: " .. err, 0) end
		if st < 200 or st >= 300 then error("aggregate: " .. cfg.url .. " answered " .. st, 0) end
	end
end

function P.flush()
	if started and helpers.now() - started >= cfg.interval then send() end
end

function P.close()
	send()
end

return P
