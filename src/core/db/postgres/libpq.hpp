#pragma once

// The libpq functions svcmgr calls, as one list: it declares the table of function pointers and
// drives the loader that fills it from the shared library at run time.

#include <postgresql/libpq-fe.h>

#include <memory>

namespace svcmgr::pg {

// Every libpq function svcmgr calls. X(name) is applied to each one.
#define SVCMGR_LIBPQ_FUNCTIONS(X)                                                                  \
    X(PQconnectdbParams)                                                                           \
    X(PQstatus)                                                                                    \
    X(PQerrorMessage)                                                                              \
    X(PQfinish)                                                                                    \
    X(PQhost)                                                                                      \
    X(PQport)                                                                                      \
    X(PQconnectionUsedPassword)                                                                    \
    X(PQsetNoticeProcessor)                                                                        \
    X(PQparameterStatus)                                                                           \
    X(PQexec)                                                                                      \
    X(PQexecParams)                                                                                \
    X(PQprepare)                                                                                   \
    X(PQexecPrepared)                                                                              \
    X(PQresultStatus)                                                                              \
    X(PQresultErrorField)                                                                          \
    X(PQclear)                                                                                     \
    X(PQntuples)                                                                                   \
    X(PQnfields)                                                                                   \
    X(PQfname)                                                                                     \
    X(PQftype)                                                                                     \
    X(PQgetvalue)                                                                                  \
    X(PQgetlength)                                                                                 \
    X(PQgetisnull)                                                                                 \
    X(PQcmdTuples)                                                                                 \
    X(PQcmdStatus)                                                                                 \
    X(PQsendQueryParams)                                                                           \
    X(PQsendQueryPrepared)                                                                         \
    X(PQsetSingleRowMode)                                                                          \
    X(PQputCopyData)                                                                               \
    X(PQputCopyEnd)                                                                                \
    X(PQgetResult)

// The functions of SVCMGR_LIBPQ_FUNCTIONS, each a member of its own name.
struct Libpq {
#define SVCMGR_LIBPQ_POINTER(name) decltype(&::name) name = nullptr;
    SVCMGR_LIBPQ_FUNCTIONS(SVCMGR_LIBPQ_POINTER)
#undef SVCMGR_LIBPQ_POINTER
};

// Opens the shared library `soname` and resolves every function of the list from it. A library
// that cannot be opened is Error(config) with dlerror's reason and a hint to install libpq5; one
// that lacks a function is Error(config) calling it too old. A library that has them all stays
// loaded.
Libpq load_libpq(const char* soname);

// libpq, loaded from libpq.so.5 on the first call (the first PostgreSQL connection), so a run on
// SQLite never loads it. Throws as load_libpq, and tries again on the next call.
inline const Libpq& libpq() {
    static const Libpq loaded = load_libpq("libpq.so.5");
    return loaded;
}

struct ResultDeleter {
    void operator()(PGresult* r) const { libpq().PQclear(r); }
};
// A result of libpq's, cleared when it goes.
using Result = std::unique_ptr<PGresult, ResultDeleter>;

} // namespace svcmgr::pg
