-- SPDX-License-Identifier: Apache-2.0
-- match.c against plain Lua on random strings (fixed seed): contains,
-- icontains and exact string sets agree with string.find and a table.
local core = require("saker.core")

local C = core.C
local ffi = core.ffi

local ALPHA = { "a", "b", "/", ".", "A", "B", "x" }

local function word(maxlen)
	local t = {}
	for i = 1, math.random(0, maxlen) do t[i] = ALPHA[math.random(#ALPHA)] end
	return table.concat(t)
end

local function u8(str) return ffi.cast("const uint8_t *", str) end

describe("match", function()
	it("contains and icontains agree with string.find", function()
		math.randomseed(7)
		for _ = 1, 20000 do
			local hay, k = word(24), word(4)
			assert.are.equal(hay:find(k, 1, true) and 1 or 0, C.saker_match_contains(u8(hay), #hay, k, #k),
				hay .. " / " .. k)
			assert.are.equal(hay:lower():find(k:lower(), 1, true) and 1 or 0,
				C.saker_match_icontains(u8(hay), #hay, k, #k), hay .. " / " .. k)
		end
		-- a match at the very end, and a needle as long as the value
		assert.are.equal(1, C.saker_match_contains(u8("/usr/bin/nc"), 11, "/nc", 3))
		assert.are.equal(1, C.saker_match_contains(u8("abc"), 3, "abc", 3))
		assert.are.equal(0, C.saker_match_contains(u8("abc"), 2, "abc", 3))
	end)

	it("string sets agree with a table", function()
		math.randomseed(11)
		for _ = 1, 200 do
			local set = ffi.gc(C.saker_strset_new(C.SAKER_SET_EXACT), C.saker_strset_free)
			local t = {}
			for _ = 1, math.random(1, 40) do
				local w = word(20)
				t[w] = true
				C.saker_strset_add(set, w, #w)
			end
			for _ = 1, 100 do
				local w = word(20)
				assert.are.equal(t[w] and 1 or 0, C.saker_strset_has(set, u8(w), #w), w)
			end
			for w in pairs(t) do assert.are.equal(1, C.saker_strset_has(set, u8(w), #w), w) end
		end
	end)
end)
