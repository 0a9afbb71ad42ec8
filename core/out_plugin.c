/* SPDX-License-Identifier: Apache-2.0 */
/*
 * out_plugin.c: a Lua output plugin on its own thread, in its own
 * lua_State (lua/saker/outputs/host.lua loads the plugin and decodes the
 * JSON alerts it is handed). The state runs with the JIT off so that an
 * instruction-count hook sees every loop: a call that runs past its time
 * raises an error inside the plugin. Errors are counted and reported with
 * the plugin's name; after max_failures in a row the plugin is disabled
 * and what reaches it is dropped.
 */
#include <lauxlib.h>
#include <lua.h>
#include <luajit.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "out.h"

struct plugin {
	lua_State *L;
	int emit, flush, close; /* registry refs of the host's functions */
	uint32_t limit_ms;
	int fails;              /* in a row */
};

static __thread uint64_t call_deadline;
static __thread uint32_t call_limit;

static void on_count(lua_State *L, lua_Debug *ar)
{
	if (out_now_ms() > call_deadline)
		luaL_error(L, "ran longer than %u ms", call_limit);
}

/* Call the function under ref with nargs pushed; 0, or -1 with the error
 * message reported. */
static int plugin_call(struct saker_out *c, struct plugin *p, int nargs)
{
	int rc;

	call_limit = p->limit_ms;
	call_deadline = out_now_ms() + p->limit_ms;
	lua_sethook(p->L, on_count, LUA_MASKCOUNT, 1000);
	rc = lua_pcall(p->L, nargs, 0, 0);
	lua_sethook(p->L, NULL, 0, 0);
	if (rc) {
		out_error(c, "plugin %s: %s", c->o.name, lua_tostring(p->L, -1));
		lua_pop(p->L, 1);
		return -1;
	}
	return 0;
}

static void set_global(lua_State *L, const char *name, const char *v)
{
	lua_pushstring(L, v);
	lua_setglobal(L, name);
}

static int plugin_init(struct saker_out *c)
{
	const char *home = c->o.home ? c->o.home : ".";
	struct plugin *p;
	lua_State *L;

	if (!c->o.target) {
		out_error(c, "plugin %s: no file", c->o.name);
		return -1;
	}
	p = calloc(1, sizeof(*p));
	L = p ? luaL_newstate() : NULL;
	if (!L) {
		free(p);
		out_error(c, "plugin %s: cannot create a Lua state", c->o.name);
		return -1;
	}
	p->L = L;
	p->limit_ms = c->o.timeout_ms ? c->o.timeout_ms : 1000;
	c->priv = p;
	luaL_openlibs(L);
	luaJIT_setmode(L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_OFF);
	set_global(L, "SAKER_HOME", home);
	lua_pushboolean(L, c->o.embedded);
	lua_setglobal(L, "SAKER_EMBEDDED");
	lua_getglobal(L, "package");
	lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua;", home, home);
	lua_getfield(L, -2, "path");
	lua_concat(L, 2);
	lua_setfield(L, -2, "path");
	lua_pop(L, 1);

	lua_getglobal(L, "require");
	lua_pushstring(L, "saker.outputs.host");
	if (lua_pcall(L, 1, 1, 0)) {
		out_error(c, "plugin %s: %s", c->o.name, lua_tostring(L, -1));
		goto fail;
	}
	lua_getfield(L, -1, "emit");
	p->emit = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_getfield(L, -1, "flush");
	p->flush = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_getfield(L, -1, "close");
	p->close = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_getfield(L, -1, "start");
	lua_remove(L, -2);
	lua_pushstring(L, c->o.target);
	lua_pushstring(L, c->o.name);
	lua_pushstring(L, c->o.config_json ? c->o.config_json : "{}");
	if (plugin_call(c, p, 3) < 0)
		goto fail;
	return 0;
fail:
	lua_close(L);
	free(p);
	c->priv = NULL;
	return -1;
}

static int plugin_send(struct saker_out *c, const char *msg, uint32_t len, int32_t prio)
{
	struct plugin *p = c->priv;

	lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->emit);
	lua_pushlstring(p->L, msg, len);
	if (plugin_call(c, p, 1) == 0) {
		p->fails = 0;
		return 0;
	}
	if (++p->fails >= (c->o.max_failures > 0 ? c->o.max_failures : 5)) {
		out_error(c, "plugin %s: disabled after %d failures in a row", c->o.name, p->fails);
		pthread_mutex_lock(&c->lock);
		c->st.disabled = 1;
		pthread_mutex_unlock(&c->lock);
	}
	return -1;
}

static void plugin_idle(struct saker_out *c)
{
	struct plugin *p = c->priv;

	if (c->st.disabled)
		return;
	lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->flush);
	plugin_call(c, p, 0);
}

static void plugin_fini(struct saker_out *c)
{
	struct plugin *p = c->priv;

	if (!c->st.disabled) {
		lua_rawgeti(p->L, LUA_REGISTRYINDEX, p->close);
		plugin_call(c, p, 0);
	}
	lua_close(p->L);
	free(p);
}

const struct out_sink out_plugin_sink = {
	.name = "plugin", .init = plugin_init, .send = plugin_send, .idle = plugin_idle,
	.fini = plugin_fini,
};
