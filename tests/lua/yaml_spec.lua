-- SPDX-License-Identifier: Apache-2.0
-- saker.yaml: located trees, anchors, merge keys, typed scalars, errors.
local yaml = require("saker.yaml")

describe("saker.yaml", function()
	it("keeps 1-based line and column on every node", function()
		local docs = assert(yaml.load("- rule: r1\n  condition: >\n    a and b\n  tags: [x, \"y\"]\n", "f.yaml"))
		assert.equal(1, docs.n)
		local seq = docs[1]
		assert.equal("seq", seq.kind)
		local item = seq[1]
		assert.equal("map", item.kind)
		assert.same({ 1, 3 }, { item.line, item.col })
		assert.equal("r1", item.by.rule.value)
		assert.same({ 1, 9 }, { item.by.rule.line, item.by.rule.col })
		local cond = item.by.condition
		assert.equal("a and b\n", cond.value)
		assert.equal("folded", cond.style)
		assert.same({ 2, 14 }, { cond.line, cond.col })
		local tags = item.by.tags
		assert.equal("seq", tags.kind)
		assert.same({ 4, 9 }, { tags.line, tags.col })
		assert.is_false(tags[1].quoted)
		assert.is_true(tags[2].quoted)
		assert.same({ 4, 13 }, { tags[2].line, tags[2].col })
		-- keys keep their order
		assert.same({ "rule", "condition", "tags" },
			{ item.keys[1].value, item.keys[2].value, item.keys[3].value })
	end)

	it("resolves anchors and aliases to the anchored node", function()
		local docs = assert(yaml.load("a: &v [1, 2]\nb: *v\nc: &s hello\nd: *s\n"))
		local m = docs[1]
		assert.equal(m.by.a, m.by.b)
		assert.equal("hello", m.by.d.value)
	end)

	it("applies merge keys without overriding the map's own keys", function()
		local docs = assert(yaml.load([[
base: &b {x: 1, y: 2}
other: &o {z: 3}
m:
  y: 20
  <<: [*b, *o]
]]))
		local m = docs[1].by.m
		assert.equal("1", m.by.x.value)
		assert.equal("20", m.by.y.value)
		assert.equal("3", m.by.z.value)
		assert.is_nil(m.by["<<"])
		assert.equal(3, #m.keys)
	end)

	it("keeps the last value of a repeated key and marks the repetition", function()
		local docs = assert(yaml.load("a: 1\nb: 2\na: 3\n"))
		local m = docs[1]
		assert.equal("3", m.by.a.value)
		assert.same({ 3, 1 }, { m.dup.line, m.dup.col })
		assert.is_nil(assert(yaml.load("a: 1\n"))[1].dup)
	end)

	it("splits documents", function()
		local docs = assert(yaml.load("- a\n---\n- b\n---\n"))
		assert.equal(3, docs.n)
		assert.equal("b", docs[2][1].value)
		-- the trailing '---' opens an empty document: a null scalar
		assert.equal("scalar", docs[3].kind)
		assert.is_nil(yaml.scalar(docs[3]))
	end)

	it("types scalars as YAML 1.2 core does", function()
		local docs = assert(yaml.load(
			"[true, False, ~, null, '', 12, -3, 0x10, 1.5, 'true', !!str 7, abc, 1.2.3]"))
		local v = yaml.plain(docs[1])
		assert.equal(true, v[1])
		assert.equal(false, v[2])
		assert.equal(yaml.null, v[3])
		assert.equal(yaml.null, v[4])
		assert.equal("", v[5])
		assert.equal(12, v[6])
		assert.equal(-3, v[7])
		assert.equal(16, v[8])
		assert.equal(1.5, v[9])
		assert.equal("true", v[10])
		assert.equal("7", v[11])
		assert.equal("abc", v[12])
		assert.equal("1.2.3", v[13])
	end)

	it("reports syntax errors with file, line and column", function()
		local docs, err = yaml.load("- a\n- b: c: d\n", "bad.yaml")
		assert.is_nil(docs)
		assert.equal("bad.yaml", err.file)
		assert.equal(2, err.line)
		assert.equal(7, err.col)
		assert.matches("mapping values are not allowed", err.msg)
		local _, e2 = yaml.load("x: [a, b\n", "u.yaml")
		assert.equal("u.yaml", e2.file)
		assert.is_true(e2.line >= 1)
	end)

	it("reports an unknown alias as an error at its position", function()
		local docs, err = yaml.load("a: 1\nb: *nope\n", "al.yaml")
		assert.is_nil(docs)
		assert.same({ 2, 4 }, { err.line, err.col })
		assert.matches("unknown anchor 'nope'", err.msg)
	end)

	it("never raises on non-string input", function()
		local docs, err = yaml.load(nil, "n")
		assert.is_nil(docs)
		assert.equal("not a string", err.msg)
	end)
end)
