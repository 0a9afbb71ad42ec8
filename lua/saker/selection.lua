-- SPDX-License-Identifier: Apache-2.0
-- saker.selection: which loaded rules run. Falco's config `rules:` list
-- (applied in order): {disable = {rule = "pattern"}}, {enable = {tag = "t"}}
-- ...; `*` in a rule pattern matches any run of characters. A rule's own
-- `enabled: false` holds unless a selection enables it by name.
local M = {}

local function pattern(glob)
	return "^" .. glob:gsub("[%^%$%(%)%%%.%[%]%+%-%?]", "%%%0"):gsub("%*", ".*") .. "$"
end

local function has_tag(rule, tag)
	for _, t in ipairs(rule.tags or {}) do
		if t == tag then return true end
	end
	return false
end

-- entries: the config's `rules` value (or nil). Returns enabled(rule) -> bool.
function M.make(entries)
	local steps = {}
	for _, e in ipairs(entries or {}) do
		for action, what in pairs(e) do
			if (action == "enable" or action == "disable") and type(what) == "table" then
				steps[#steps + 1] = {
					on = action == "enable",
					rule = what.rule and pattern(tostring(what.rule)),
					tag = what.tag and tostring(what.tag),
				}
			end
		end
	end
	return function(rule)
		local on = rule.enabled ~= false
		for _, st in ipairs(steps) do
			if (st.rule and rule.name:match(st.rule)) or (st.tag and has_tag(rule, st.tag)) then
				on = st.on
			end
		end
		return on
	end
end

return M
