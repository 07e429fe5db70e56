from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "kitu.assets"
    label = "assets"
    verbose_name = "IT-Inventar"

    def ready(self) -> None:
        from kitu.core.status import DANGER, NEUTRAL, STATUSES, SUCCESS, WARNING, Status  # noqa: PLC0415
        from kitu.orders.signals import goods_received  # noqa: PLC0415

        from .models import AssetStatus  # noqa: PLC0415
        from .receipts import on_goods_received  # noqa: PLC0415

        goods_received.connect(on_goods_received, dispatch_uid="assets_from_goods_receipt")
        tones = {
            AssetStatus.IN_USE: SUCCESS,
            AssetStatus.STOCK: NEUTRAL,
            AssetStatus.DEFECTIVE: DANGER,
            AssetStatus.RETIRED: WARNING,
        }
        STATUSES.setdefault("asset", {str(code): Status(AssetStatus(code).label, tone) for code, tone in tones.items()})
