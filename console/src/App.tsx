/** Sign-in gate, header with the caller's role, and the page for the current path. */
import { useCallback, useEffect, useState } from 'react';
import { api } from './api';
import { ErrorNote } from './components/ErrorNote';
import { AttentionPage } from './pages/AttentionPage';
import { AtRiskPage } from './pages/AtRiskPage';
import { OrderPage } from './pages/OrderPage';
import { SearchPage } from './pages/SearchPage';
import { SignIn } from './pages/SignIn';
import { SkuPage } from './pages/SkuPage';
import { PurchaseOrderPage } from './pages/PurchaseOrderPage';
import { PurchaseOrdersPage } from './pages/PurchaseOrdersPage';
import { TransferPage } from './pages/TransferPage';
import { TransfersPage } from './pages/TransfersPage';
import { Link, useLocation } from './router';
import { clearKey, getKey, type Identity } from './session';

function Page({ me }: { me: Identity }) {
  const { path } = useLocation();
  const order = /^\/orders\/([^/]+)(?:\/([a-z]+))?\/?$/.exec(path);
  if (order) return <OrderPage orderId={decodeURIComponent(order[1])} action={order[2]} me={me} />;
  const sku = /^\/skus\/([^/]+)\/?$/.exec(path);
  if (sku) return <SkuPage sku={decodeURIComponent(sku[1])} me={me} />;
  if (path === '/attention') return <AttentionPage />;
  const po = /^\/purchase-orders\/([^/]+)\/?$/.exec(path);
  if (po) return <PurchaseOrderPage id={decodeURIComponent(po[1])} me={me} />;
  if (path === '/purchase-orders') return <PurchaseOrdersPage me={me} />;
  const transfer = /^\/transfers\/([^/]+)\/?$/.exec(path);
  if (transfer) return <TransferPage id={decodeURIComponent(transfer[1])} me={me} />;
  if (path === '/transfers') return <TransfersPage me={me} />;
  if (path === '/at-risk') return <AtRiskPage />;
  if (path === '/' || path === '') return <SearchPage />;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        The console has no page at <code>{path}</code>. <Link to="/">Search orders</Link>
      </p>
    </main>
  );
}

export function App() {
  const [me, setMe] = useState<Identity>();
  const [checking, setChecking] = useState(true);
  const [error, setError] = useState<unknown>();

  const identify = useCallback(async (key: string | undefined) => {
    setChecking(true);
    try {
      setMe(await api<Identity>('GET', '/whoami', undefined, key));
      setError(undefined);
    } catch (err) {
      setMe(undefined);
      // A stale key from an earlier session is not an error worth shouting about.
      if (key !== undefined) setError(err);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    void identify(getKey());
  }, [identify]);

  const signOut = () => {
    clearKey();
    setMe(undefined);
    void identify(undefined);
  };

  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          Support console
        </Link>
        {me && (
          <nav aria-label="Main">
            <Link to="/">Orders</Link>
            <Link to="/attention">Needs attention</Link>
            <Link to="/purchase-orders">Purchase orders</Link>
            <Link to="/transfers">Transfers</Link>
            <Link to="/at-risk">At risk</Link>
            <a href="/docs">API docs</a>
          </nav>
        )}
        {me && (
          <div className="who" data-testid="who">
            {me.auth === 'off' ? (
              <span className="badge badge-warn">Authentication is OFF on this server: everyone acts as admin</span>
            ) : (
              <>
                Signed in as <strong>{me.role}</strong>{' '}
                <button type="button" onClick={signOut}>
                  Sign out
                </button>
              </>
            )}
          </div>
        )}
      </header>
      {checking && !me ? (
        <main>
          <p>Checking your key…</p>
        </main>
      ) : me ? (
        <Page me={me} />
      ) : (
        <main>
          <ErrorNote error={error} />
          <SignIn onSignedIn={setMe} />
        </main>
      )}
    </>
  );
}
