"""A pooled connection goes back without asyncpg's reset statements, and still loses nothing."""

from __future__ import annotations

import pytest

from shared.db.pool import connect, create_pool


async def test_a_transaction_left_open_is_rolled_back_when_its_connection_goes_back(
    dsn: str, unique: str
) -> None:
    table = f"pool_test_{unique}"
    owner = await connect(dsn)
    await owner.execute(f"create table {table} (n int)")
    pool = await create_pool(dsn, min_size=1, max_size=1)
    try:
        with pytest.raises(RuntimeError):
            async with pool.acquire() as conn:
                await conn.execute("begin")
                await conn.execute(f"insert into {table} values (1)")
                raise RuntimeError("a handler fails mid-transaction")
        async with pool.acquire() as conn:  # the same connection: the pool holds one
            assert not conn.is_in_transaction()
            async with conn.transaction():
                await conn.execute(f"insert into {table} values (2)")  # control: kept
        assert await owner.fetch(f"select n from {table}") == [(2,)]
    finally:
        await pool.close()
        await owner.execute(f"drop table {table}")
        await owner.close()
