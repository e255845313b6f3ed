"""Estates, buildings, units and the owners who hold them."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base

ownerships = Table(
    "ownerships",
    Base.metadata,
    Column("owner_id", ForeignKey("owners.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Estate(Base):
    __tablename__ = "estates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")


class Building(Base):
    __tablename__ = "buildings"
    __table_args__ = (UniqueConstraint("estate_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estates.id"), index=True)
    code: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(200))

    estate: Mapped[Estate] = relationship()


class Unit(Base):
    """A unit with its exclusive floor area, the basis of area-weighted votes."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("building_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    floor: Mapped[int]
    area: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    delivered: Mapped[bool] = mapped_column(default=True)

    building: Mapped[Building] = relationship()
    owners: Mapped[list[Owner]] = relationship(secondary=ownerships, back_populates="units")

    @property
    def label(self) -> str:
        """The unit as people say it: "A-1203" (numbers often carry the building already)."""
        code = self.building.code
        return self.number if self.number.startswith(f"{code}-") else f"{code}-{self.number}"


class Owner(Base):
    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    # All unsold or undelivered units of the developer count as one voter.
    is_developer: Mapped[bool] = mapped_column(default=False)

    units: Mapped[list[Unit]] = relationship(secondary=ownerships, back_populates="owners")
