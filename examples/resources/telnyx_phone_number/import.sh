# A phone number is imported by the number itself (E.164) ...
terraform import telnyx_phone_number.main_line +13125550100
# ... or by its Telnyx id.
terraform import telnyx_phone_number.main_line 1293384261075731499
