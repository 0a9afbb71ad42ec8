/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the saker executable: a LuaJIT state that runs lua/saker/main.lua.
 * The C core is linked in and exported (-rdynamic), so the Lua side reaches
 * it through ffi.C; SAKER_HOME (built in, or from the environment) says where
 * the Lua files, rules and plugins are, so ./saker runs from any cwd. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

static int traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	luaL_traceback(L, L, msg ? msg : "(error object is not a string)", 1);
	return 1;
}

int main(int argc, char **argv)
{
	const char *home = getenv("SAKER_HOME");
	lua_State *L;
	int rc;

	if (!home || !*home)
		home = SAKER_HOME;
	/* a reader that went away (stdout piped into a program that exited, a
	 * program output that died) gives EPIPE on that channel, counted; it
	 * never kills the agent */
	signal(SIGPIPE, SIG_IGN);
	L = luaL_newstate();
	if (!L) {
		fprintf(stderr, "saker: cannot create the Lua state (out of memory)\n");
		return 1;
	}
	luaL_openlibs(L);

	lua_pushstring(L, home);
	lua_setglobal(L, "SAKER_HOME");
	lua_pushboolean(L, 1);
	lua_setglobal(L, "SAKER_EMBEDDED");
	lua_getglobal(L, "package");
	lua_pushfstring(L, "%s/lua/?.lua;%s/lua/?/init.lua;", home, home);
	lua_getfield(L, -2, "path");
	lua_concat(L, 2);
	lua_setfield(L, -2, "path");
	lua_pop(L, 1);

	lua_pushcfunction(L, traceback);
	lua_getglobal(L, "require");
	lua_pushstring(L, "saker.main");
	if (lua_pcall(L, 1, 1, -3) != 0) {
		fprintf(stderr, "saker: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return 1;
	}
	lua_newtable(L);
	for (int i = 0; i < argc; i++) {
		lua_pushstring(L, argv[i]);
		lua_rawseti(L, -2, i);
	}
	/* main.lua returns a function(args) -> exit code */
	if (lua_pcall(L, 1, 1, 1) != 0) {
		fprintf(stderr, "saker: internal error: %s\n", lua_tostring(L, -1));
		lua_close(L);
		return 1;
	}
	rc = (int)lua_tointeger(L, -1);
	lua_close(L);
	return rc;
}
