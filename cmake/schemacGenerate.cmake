# schemacGenerate.cmake - schemac_generate(), which compiles a schema into
# a target's sources at build time.  schemacConfig.cmake includes it.
#
#     schemac_generate(TARGET target SCHEMA file.schema
#                      [OUT_DIR dir] [NAME name] [COLUMN_MACROS])
#
# Runs "schemac generate" on the schema when it, or a file it depends on,
# changes, and adds the generated NAME_db.c to the target's sources and
# OUT_DIR to its include path, so that its code includes "NAME_db.h".
# SCHEMA is relative to the current source directory, OUT_DIR (by default
# "schemac") to the current binary directory.  NAME is the name the
# schema declares ("schema NAME;"); it is read from the file when not
# given, once, when CMake configures: a schema that changes its name
# needs CMake to configure again.  COLUMN_MACROS passes --column-macros:
# the header also has the former query macros, one per column and
# operator.
#
# schemac writes a depfile naming every file the outputs depend on, and
# rewrites an output only when its content changes: touching the schema
# reruns schemac but recompiles nothing.  (With the Makefile generators,
# as with make itself, schemac then reruns at each build until the
# schema's content changes; Ninja remembers that it ran.)

function(schemac_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg "COLUMN_MACROS"
                        "TARGET;SCHEMA;OUT_DIR;NAME" "")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR
            "schemac_generate: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET OR NOT arg_SCHEMA)
    message(FATAL_ERROR "schemac_generate: TARGET and SCHEMA are required")
  endif()
  if(NOT TARGET "${arg_TARGET}")
    message(FATAL_ERROR "schemac_generate: no target named ${arg_TARGET}")
  endif()

  get_filename_component(schema "${arg_SCHEMA}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${schema}")
    message(FATAL_ERROR "schemac_generate: no schema ${schema}")
  endif()
  if(NOT arg_OUT_DIR)
    set(arg_OUT_DIR schemac)
  endif()
  get_filename_component(out "${arg_OUT_DIR}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")

  set(name "${arg_NAME}")
  if(NOT name)
    file(STRINGS "${schema}" decl LIMIT_COUNT 1
         REGEX "^[ \t]*schema[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*;")
    if(NOT decl)
      message(FATAL_ERROR
              "schemac_generate: no \"schema NAME;\" line in ${schema}; "
              "give NAME")
    endif()
    string(REGEX REPLACE "^[ \t]*schema[ \t]+([A-Za-z0-9_]+).*" "\\1"
           name "${decl}")
  endif()

  set(header "${out}/${name}_db.h")
  set(source "${out}/${name}_db.c")
  set(depfile "${out}/${name}_db.d")
  set(generate schemac::schemac_compiler generate "${schema}" -o "${out}"
               --depfile "${depfile}")
  if(arg_COLUMN_MACROS)
    list(APPEND generate --column-macros)
  endif()
  if(CMAKE_GENERATOR MATCHES "Ninja")
    add_custom_command(
      OUTPUT "${header}" "${source}"
      COMMAND ${generate}
      MAIN_DEPENDENCY "${schema}"
      DEPFILE "${depfile}"
      COMMENT "schemac generate ${arg_SCHEMA}"
      VERBATIM)
  else()
    # A command of two outputs gets, from the Makefile generators, a rule
    # that touches the second after each run: touching the schema would
    # recompile the source.  So the header's command runs when the schema
    # changes, and the source's runs the same schemac only when the
    # source is missing or older than the header (and then rewrites it
    # only if its content changed).
    add_custom_command(
      OUTPUT "${header}"
      COMMAND ${generate}
      MAIN_DEPENDENCY "${schema}"
      DEPFILE "${depfile}"
      COMMENT "schemac generate ${arg_SCHEMA}"
      VERBATIM)
    add_custom_command(
      OUTPUT "${source}"
      COMMAND ${generate}
      DEPENDS "${header}"
      COMMENT "schemac generate ${arg_SCHEMA} (the source)"
      VERBATIM)
  endif()
  target_sources("${arg_TARGET}" PRIVATE "${header}" "${source}")
  target_include_directories("${arg_TARGET}" PRIVATE "${out}")
endfunction()
