/**
 * Bank keeper: balances, assets and their supplies. All amounts are bigint
 * and every result is checked against the u128 range; a balance that reaches
 * zero is deleted, so only positive balances are ever stored.
 *
 * Every mutator checks all its rules before its first write, so a failed call
 * leaves the store untouched even outside a transaction's cache.
 */
import {
  type Address,
  type AssetInfo,
  type AssetMetadata,
  assetInfoCodec,
  BankErrors,
  type BankParams,
  bankParamsCodec,
  bytesEqual,
  type Coin,
  DEFAULT_BANK_PARAMS,
  decode,
  decodeAddress,
  encode,
  InvariantViolation,
  isDenom,
  MAX_U128,
  prefixEnd,
  UrbisError,
  u128,
  validateAmount,
  validateAssetMetadata,
  validateDenom,
} from "@urbis/protocol";
import { CacheStore, type KVRead, type KVStore } from "../../framework/store.js";
import {
  accountBalancesPrefix,
  assetKey,
  BANK_ASSET_PREFIX,
  BANK_PARAMS_KEY,
  balanceKey,
  balanceKeyOf,
  parseBalanceKey,
} from "./keys.js";

/** What other modules may read of the bank. */
export interface BankView {
  /** Bank parameters. */
  params(store: KVRead): BankParams;
  /** Balance of `address` in `denom` (0 when it holds none). */
  balance(store: KVRead, address: Address, denom: string): bigint;
  /** Every positive balance of `address`, in denom byte order. */
  balances(store: KVRead, address: Address): Coin[];
  /** The asset record of `denom`, or undefined if no such asset exists. */
  asset(store: KVRead, denom: string): AssetInfo | undefined;
  /** Every asset record, in denom byte order. */
  assets(store: KVRead): AssetInfo[];
  /** Supply of `denom` (0 when no such asset exists). */
  supply(store: KVRead, denom: string): bigint;
}

/** One payment of {@link BankKeeper.multiSend}. */
export interface Payment {
  to: Address;
  denom: string;
  amount: bigint;
}

/** A new asset's denom and metadata, as `bank/create_asset` gives them. */
export interface NewAsset extends AssetMetadata {
  denom: string;
}

/** Bank keeper: the only code that writes bank state. */
export class BankKeeper implements BankView {
  /** Bank parameters (defaults when genesis set none). */
  params(store: KVRead): BankParams {
    const raw = store.get(BANK_PARAMS_KEY);
    return raw ? decode(bankParamsCodec, raw) : DEFAULT_BANK_PARAMS;
  }

  /** Replaces the parameters (genesis; governance later). */
  setParams(store: KVStore, p: BankParams): void {
    store.set(BANK_PARAMS_KEY, encode(bankParamsCodec, p));
  }

  /** Balance of `address` in `denom` (0 when it holds none). */
  balance(store: KVRead, address: Address, denom: string): bigint {
    const raw = store.get(balanceKey(address, denom));
    return raw ? decode(u128, raw) : 0n;
  }

  /** Every positive balance of `address`, in denom byte order (one prefix scan). */
  balances(store: KVRead, address: Address): Coin[] {
    const prefix = accountBalancesPrefix(address);
    const out: Coin[] = [];
    for (const [k, v] of store.iterate(prefix, prefixEnd(prefix))) {
      out.push({ denom: parseBalanceKey(k).denom, amount: decode(u128, v) });
    }
    return out;
  }

  /** The asset record of `denom`, or undefined (also for strings that are no denom). */
  asset(store: KVRead, denom: string): AssetInfo | undefined {
    if (!isDenom(denom)) return undefined;
    const raw = store.get(assetKey(denom));
    return raw ? decode(assetInfoCodec, raw) : undefined;
  }

  /** Every asset record, in denom byte order. */
  assets(store: KVRead): AssetInfo[] {
    const out: AssetInfo[] = [];
    for (const [, v] of store.iterate(BANK_ASSET_PREFIX, prefixEnd(BANK_ASSET_PREFIX)))
      out.push(decode(assetInfoCodec, v));
    return out;
  }

  /** Supply of `denom` (0 when no such asset exists). */
  supply(store: KVRead, denom: string): bigint {
    return this.asset(store, denom)?.supply ?? 0n;
  }

  /**
   * Writes a balance as is, deleting it at zero. Bypasses every rule: for
   * genesis and tests only, and the caller keeps each supply equal to the sum of its balances.
   * The holder is an address string or its 20 raw bytes.
   */
  setBalance(store: KVStore, address: Address | Uint8Array, denom: string, amount: bigint): void {
    if (amount < 0n || amount > MAX_U128) throw new InvariantViolation(`balance ${amount} out of the u128 range`);
    const key = typeof address === "string" ? balanceKey(address, denom) : balanceKeyOf(address, denom);
    if (amount === 0n) store.delete(key);
    else store.set(key, encode(u128, amount));
  }

  /** Writes an asset record as is. Bypasses every rule: for genesis and tests only. */
  setAsset(store: KVStore, info: AssetInfo): void {
    store.set(assetKey(info.denom), encode(assetInfoCodec, info));
  }

  /** The asset of `denom`; fails with `bank.invalid_denom` or `bank.unknown_denom`. */
  requireAsset(store: KVRead, denom: string): AssetInfo {
    validateDenom(denom);
    const a = this.asset(store, denom);
    if (!a) throw BankErrors.unknownDenom.create(`no asset has denom ${denom}`, { denom });
    return a;
  }

  /**
   * Creates an asset issued by `creator`, with zero supply. `creator` must be
   * in the `assetCreators` parameter (`bank.not_asset_creator`) and the denom
   * must be free (`bank.denom_exists`).
   */
  createAsset(store: KVStore, creator: Address, a: NewAsset): AssetInfo {
    validateDenom(a.denom);
    validateAssetMetadata(a);
    const creatorBytes = decodeAddress(creator);
    if (!this.params(store).assetCreators.some((c) => bytesEqual(decodeAddress(c), creatorBytes))) {
      throw BankErrors.notAssetCreator.create(`${creator} may not create assets`, { creator });
    }
    if (this.asset(store, a.denom))
      throw BankErrors.denomExists.create(`denom ${a.denom} already exists`, { denom: a.denom });
    const info: AssetInfo = {
      denom: a.denom,
      name: a.name,
      symbol: a.symbol,
      decimals: a.decimals,
      issuer: creator,
      supply: 0n,
      maxSupply: a.maxSupply,
    };
    this.setAsset(store, info);
    return info;
  }

  /**
   * Moves `amount` of `denom` from `from` to `to`. Fails with
   * `bank.invalid_amount`, `bank.unknown_denom`, `bank.self_send` or `bank.insufficient_funds`.
   */
  send(store: KVStore, from: Address, to: Address, denom: string, amount: bigint): void {
    validateAmount(amount);
    if (bytesEqual(decodeAddress(from), decodeAddress(to))) {
      this.requireAsset(store, denom);
      throw BankErrors.selfSend.create(`${from} cannot send to itself`, { address: from });
    }
    const fromBal = this.balance(store, from, denom);
    if (fromBal < amount) {
      // Only a registered asset can have balances (the supply invariant), so the asset
      // record is read only on this failure path, to tell an unknown denom from missing funds.
      this.requireAsset(store, denom);
      throw BankErrors.insufficientFunds.create(`${from} has ${fromBal}${denom}, needs ${amount}${denom}`, {
        address: from,
        denom,
        balance: fromBal.toString(),
        amount: amount.toString(),
      });
    }
    const toBal = this.balance(store, to, denom) + amount;
    // Unreachable while every supply is within u128 and equals its balances' sum; checked all the same.
    if (toBal > MAX_U128)
      throw BankErrors.overflow.create(`balance of ${to} in ${denom} would exceed the largest u128`);
    this.setBalance(store, from, denom, fromBal - amount);
    this.setBalance(store, to, denom, toBal);
  }

  /**
   * Pays every output from `from`, all or nothing: the payments run in order
   * in a scratch cache that reaches `store` only if all succeed. Errors are those
   * of {@link BankKeeper.send}, prefixed with the failing output's index.
   */
  multiSend(store: KVStore, from: Address, outputs: readonly Payment[]): void {
    const scratch = new CacheStore(store);
    outputs.forEach((o, i) => {
      try {
        this.send(scratch, from, o.to, o.denom, o.amount);
      } catch (e) {
        if (e instanceof UrbisError) throw e.def.create(`output ${i}: ${e.message}`, e.details);
        throw e;
      }
    });
    scratch.writeTo(store);
  }

  /**
   * Creates `amount` of `denom` in `to`'s balance; only the issuer may.
   * Fails with `bank.invalid_amount`, `bank.unknown_denom`, `bank.not_issuer`,
   * `bank.overflow` (supply beyond u128) or `bank.supply_cap_exceeded`. Returns the new supply.
   */
  mint(store: KVStore, issuer: Address, denom: string, to: Address, amount: bigint): bigint {
    validateAmount(amount);
    const a = this.requireAsset(store, denom);
    this.requireIssuer(a, issuer);
    const supply = a.supply + amount;
    if (supply > MAX_U128) {
      throw BankErrors.overflow.create(`supply of ${denom} would exceed the largest u128`, {
        denom,
        supply: a.supply.toString(),
        amount: amount.toString(),
      });
    }
    if (a.maxSupply !== undefined && supply > a.maxSupply) {
      throw BankErrors.supplyCapExceeded.create(
        `supply of ${denom} would be ${supply}, above its maximum ${a.maxSupply}`,
        {
          denom,
          supply: a.supply.toString(),
          maxSupply: a.maxSupply.toString(),
          amount: amount.toString(),
        },
      );
    }
    // Every balance is at most the supply, so this cannot pass the u128 range.
    const toBal = this.balance(store, to, denom) + amount;
    this.setAsset(store, { ...a, supply });
    this.setBalance(store, to, denom, toBal);
    return supply;
  }

  /**
   * Destroys `amount` of `denom` from the issuer's own balance; only the issuer may.
   * Fails with `bank.invalid_amount`, `bank.unknown_denom`, `bank.not_issuer` or
   * `bank.insufficient_funds`. Returns the new supply.
   */
  burn(store: KVStore, issuer: Address, denom: string, amount: bigint): bigint {
    validateAmount(amount);
    const a = this.requireAsset(store, denom);
    this.requireIssuer(a, issuer);
    const bal = this.balance(store, issuer, denom);
    if (bal < amount) {
      throw BankErrors.insufficientFunds.create(`${issuer} has ${bal}${denom}, cannot burn ${amount}${denom}`, {
        address: issuer,
        denom,
        balance: bal.toString(),
        amount: amount.toString(),
      });
    }
    if (a.supply < amount) throw new InvariantViolation(`supply of ${denom} (${a.supply}) below a balance (${bal})`);
    const supply = a.supply - amount;
    this.setAsset(store, { ...a, supply });
    this.setBalance(store, issuer, denom, bal - amount);
    return supply;
  }

  private requireIssuer(a: AssetInfo, who: Address): void {
    if (!bytesEqual(decodeAddress(who), decodeAddress(a.issuer))) {
      throw BankErrors.notIssuer.create(`only ${a.issuer} may mint or burn ${a.denom}`, {
        denom: a.denom,
        issuer: a.issuer,
      });
    }
  }
}
